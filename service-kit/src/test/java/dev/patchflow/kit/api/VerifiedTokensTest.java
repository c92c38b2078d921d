package dev.patchflow.kit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    /** What the parser behind the cache was asked to verify, in order. */
    private final List<String> verifications = new ArrayList<>();
    /** Token text → its expiry (epoch seconds); any other text fails verification. */
    private final Map<String, Long> valid = Map.of("viewer", NOW.plus(Duration.ofHours(12)).getEpochSecond(),
            "short", NOW.plusSeconds(20).getEpochSecond());
    private Instant now = NOW;

    private final VerifiedTokens tokens = new VerifiedTokens(verifier(), new Clock() {

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    });

    @Test
    void aVerifiedTokenIsVerifiedAgainOnlyAfterAMinute() throws Exception {
        JsonWebToken first = tokens.parse("viewer");
        assertThat(tokens.parse("viewer")).isSameAs(first);
        now = NOW.plus(VerifiedTokens.REVERIFY_AFTER).minusMillis(1);
        assertThat(tokens.parse("viewer")).isSameAs(first);
        assertThat(verifications).containsExactly("viewer");

        now = NOW.plus(VerifiedTokens.REVERIFY_AFTER);
        tokens.parse("viewer");
        assertThat(verifications).containsExactly("viewer", "viewer");
    }

    @Test
    void aTokenIsNeverAnsweredFromMemoryPastItsExpiry() throws Exception {
        tokens.parse("short");
        now = NOW.plusSeconds(20);
        assertThatThrownBy(() -> tokens.parse("short")).isInstanceOf(ParseException.class);
        assertThat(verifications).containsExactly("short", "short");
    }

    @Test
    void aTokenThatFailsIsVerifiedAndRefusedEveryTime() {
        assertThatThrownBy(() -> tokens.parse("forged")).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> tokens.parse("forged")).isInstanceOf(ParseException.class);
        assertThat(verifications).containsExactly("forged", "forged");
    }

    /** Verifies a token by its text: valid until its expiry, as smallrye-jwt checks {@code exp}. */
    private JWTParser verifier() {
        return (JWTParser) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{JWTParser.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("parse") || args.length != 1) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    String text = (String) args[0];
                    verifications.add(text);
                    Long expiry = valid.get(text);
                    if (expiry == null || !now.isBefore(Instant.ofEpochSecond(expiry))) {
                        throw new ParseException("invalid or expired: " + text);
                    }
                    return token(text, expiry);
                });
    }

    private static JsonWebToken token(String name, long expiry) {
        return new JsonWebToken() {

            @Override
            public String getName() {
                return name;
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("exp");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claim) {
                return "exp".equals(claim) ? (T) Long.valueOf(expiry) : null;
            }
        };
    }
}
