package dev.patchflow.kit.api;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The bearer-token parser every service's API authenticates with: smallrye-jwt's own, whose answer for a token it
 * has verified is kept for a while.
 * <p>
 * Pollers send the same token many times a second (the dashboard, {@code patchctl runs show --follow}, the launcher
 * waiting for a run), and every request verified its RSA signature and parsed its claims again: 18% of report-svc's
 * CPU samples in a 1,000-target run watched by one poller. A token's verification depends only on its text (the
 * signature covers header and claims) and the service's fixed configuration (key, issuer), and it is immutable, so
 * the verified token is kept under its exact text until the earlier of its expiry and {@link #REVERIFY_AFTER}
 * (which bounds how long a token keeps passing should the key it was signed with be replaced). A token that fails
 * is never kept: it is verified, and refused, every time. Only {@link #parse(String)}, the call the API's
 * authentication makes, is cached; every other call goes to smallrye-jwt as it is.
 */
@Alternative
@Priority(1)
@Singleton
public class VerifiedTokens implements JWTParser {

    static final Duration REVERIFY_AFTER = Duration.ofMinutes(1);
    /** A service sees a few role tokens; a full cache is emptied rather than grown. */
    static final int MAX_TOKENS = 1024;

    private record Verified(JsonWebToken token, Instant until) {
    }

    private final JWTParser verifier;
    private final Clock clock;
    private final ConcurrentMap<String, Verified> verified = new ConcurrentHashMap<>();

    @Inject
    public VerifiedTokens(DefaultJWTParser verifier) {
        this(verifier, Clock.systemUTC());
    }

    VerifiedTokens(JWTParser verifier, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        Instant now = clock.instant();
        Verified known = verified.get(token);
        if (known != null && now.isBefore(known.until())) {
            return known.token();
        }
        JsonWebToken parsed = verifier.parse(token);
        Instant until = now.plus(REVERIFY_AFTER);
        if (parsed.getExpirationTime() > 0) {
            Instant expiry = Instant.ofEpochSecond(parsed.getExpirationTime());
            until = expiry.isBefore(until) ? expiry : until;
        }
        if (verified.size() >= MAX_TOKENS) {
            verified.clear();
        }
        verified.put(token, new Verified(parsed, until));
        return parsed;
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
