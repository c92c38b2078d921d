package dev.patchflow.pkg;

import java.util.Locale;

/** The architectures a release manifest carries packages for; the JSON names are the enum names in lower case. */
public enum Arch {

    X86_64, AARCH64;

    /** {@code x86_64} or {@code aarch64}, as in the manifest. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Accepts the manifest names and the usual aliases ({@code amd64}, {@code arm64}). */
    public static Arch parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64", "x64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new IllegalArgumentException("unknown architecture '" + text + "' (x86_64, aarch64)");
        };
    }

    /** The architecture of this JVM's machine, for a local install. */
    public static Arch current() {
        return parse(System.getProperty("os.arch"));
    }
}
