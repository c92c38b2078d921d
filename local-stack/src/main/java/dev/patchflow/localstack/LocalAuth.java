package dev.patchflow.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * The local signing key of the embedded stack and the bearer tokens it mints for each role.
 * <p>
 * {@link #open(Path)} creates an RSA key pair once under a directory ({@code private.pem} mode 0600, {@code public.pem})
 * and loads it on later starts, so tokens handed out earlier stay valid across restarts. The services only ever see
 * {@code public.pem} ({@code mp.jwt.verify.publickey.location}); the private key never leaves this JVM.
 * <p>
 * Tokens are RS256 JWTs with {@code iss} = {@link #ISSUER}, {@code sub}, {@code upn} and the roles in {@code groups}:
 * what SmallRye JWT verifies in every service.
 */
public final class LocalAuth {

    /** The issuer the services expect by default ({@code mp.jwt.verify.issuer}). */
    public static final String ISSUER = "https://patchflow.dev/local";

    /** The roles of docs/SECURITY.md, in the order they are printed. */
    public static final List<String> ROLES = List.of("viewer", "operator", "approver");

    public static final String PUBLIC_KEY_FILE = "public.pem";
    public static final String PRIVATE_KEY_FILE = "private.pem";

    private final Path dir;
    private final PrivateKey privateKey;
    private final String issuer;

    private LocalAuth(Path dir, PrivateKey privateKey, String issuer) {
        this.dir = dir;
        this.privateKey = privateKey;
        this.issuer = issuer;
    }

    /** Loads the key pair under {@code dir}, creating it (and the directory) the first time. */
    public static LocalAuth open(Path dir) {
        return open(dir, ISSUER);
    }

    public static LocalAuth open(Path dir, String issuer) {
        try {
            Files.createDirectories(dir);
            Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
            Path publicFile = dir.resolve(PUBLIC_KEY_FILE);
            if (!Files.isRegularFile(privateFile) || !Files.isRegularFile(publicFile)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                writeSecret(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            }
            byte[] pkcs8 = unpem(Files.readString(privateFile));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new LocalAuth(dir, key, issuer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or read the local signing key under " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the local signing key under " + dir + " is not an RSA key", e);
        }
    }

    /** The file the services verify tokens with. */
    public Path publicKeyFile() {
        return dir.resolve(PUBLIC_KEY_FILE);
    }

    public PublicKey publicKey() {
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(unpem(Files.readString(publicKeyFile()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    /** The settings every service needs to verify this stack's tokens. */
    public Map<String, String> serviceProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("mp.jwt.verify.publickey.location", publicKeyFile().toAbsolutePath().toString());
        properties.put("mp.jwt.verify.issuer", issuer);
        return properties;
    }

    /** A token for one role, {@code sub} = {@code local-<role>}. */
    public String roleToken(String role, Duration validity) {
        return token("local-" + role, List.of(role), Instant.now(), validity);
    }

    /**
     * A signed token.
     *
     * @param groups the roles ({@code groups} claim)
     * @param issuedAt {@code iat}; a past instant with a short validity gives an expired token (tests)
     */
    public String token(String subject, List<String> groups, Instant issuedAt, Duration validity) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setClaim("upn", subject);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromMilliseconds(issuedAt.toEpochMilli()));
        claims.setExpirationTime(NumericDate.fromMilliseconds(issuedAt.plus(validity).toEpochMilli()));
        claims.setStringListClaim("groups", groups);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(privateKey);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token with the local key", e);
        }
    }

    /**
     * Mints one token per {@link #ROLES role} and writes it to {@code <dir>/<role>.token} (mode 0600, replaced on every
     * call so a restart hands out fresh ones).
     *
     * @return role → token, in {@link #ROLES} order
     */
    public Map<String, String> writeRoleTokens(Duration validity) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String role : ROLES) {
            String token = roleToken(role, validity);
            Path file = dir.resolve(role + ".token");
            try {
                Files.deleteIfExists(file);
                writeSecret(file, token + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
            tokens.put(role, token);
        }
        return tokens;
    }

    /** Creates the file readable by its owner only before anything is written to it. */
    private static void writeSecret(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the directory's ACL is what protects it
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }
}
