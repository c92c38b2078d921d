package dev.patchflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalAuthTest {

    @TempDir
    Path dir;

    JwtConsumer consumer(LocalAuth auth) {
        return new JwtConsumerBuilder().setExpectedIssuer(LocalAuth.ISSUER).setRequireExpirationTime()
                .setVerificationKey(auth.publicKey()).build();
    }

    @Test
    void createsTheKeyPairOnceWithAnOwnerOnlyPrivateKey() throws Exception {
        LocalAuth first = LocalAuth.open(dir);
        String publicPem = Files.readString(dir.resolve("public.pem"));
        assertThat(publicPem).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("private.pem"))))
                .isEqualTo("rw-------");

        LocalAuth again = LocalAuth.open(dir);
        assertThat(Files.readString(dir.resolve("public.pem"))).isEqualTo(publicPem);
        // a token minted before a restart still verifies after it
        consumer(again).processToClaims(first.roleToken("viewer", Duration.ofHours(1)));
    }

    @Test
    void roleTokensCarryIssuerSubjectAndGroupsAndAreWrittenOwnerOnly() throws Exception {
        LocalAuth auth = LocalAuth.open(dir);
        Map<String, String> tokens = auth.writeRoleTokens(Duration.ofHours(12));

        assertThat(tokens).containsOnlyKeys("viewer", "operator", "approver");
        for (var entry : tokens.entrySet()) {
            JwtClaims claims = consumer(auth).processToClaims(entry.getValue());
            assertThat(claims.getStringListClaimValue("groups")).containsExactly(entry.getKey());
            assertThat(claims.getSubject()).isEqualTo("local-" + entry.getKey());
            Path file = dir.resolve(entry.getKey() + ".token");
            assertThat(Files.readString(file).strip()).isEqualTo(entry.getValue());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(auth.serviceProperties()).containsEntry("mp.jwt.verify.issuer", LocalAuth.ISSUER)
                .containsEntry("mp.jwt.verify.publickey.location", dir.resolve("public.pem").toString());
    }

    @Test
    void tokensOfAnotherKeyAndExpiredTokensDoNotVerify(@TempDir Path other) {
        LocalAuth auth = LocalAuth.open(dir);
        String foreign = LocalAuth.open(other).roleToken("viewer", Duration.ofHours(1));
        String expired = auth.token("old", List.of("viewer"), Instant.now().minus(Duration.ofHours(2)),
                Duration.ofHours(1));

        assertThatThrownBy(() -> consumer(auth).processToClaims(foreign)).isInstanceOf(InvalidJwtException.class);
        assertThatThrownBy(() -> consumer(auth).processToClaims(expired)).isInstanceOf(InvalidJwtException.class);
    }
}
