package dev.patchflow.patchctl.request;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Generated run ids: {@code run-<yyyyMMdd-HHmmss>-<6 random>} in UTC. Readable and sortable by
 * time; the random suffix keeps two requests in the same second apart.
 */
public final class RunIds {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {
    }

    public static String generate(Clock clock) {
        StringBuilder id = new StringBuilder("run-").append(STAMP.format(clock.instant())).append('-');
        for (int i = 0; i < 6; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
