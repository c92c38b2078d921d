package dev.patchflow.sdk;

/**
 * A credential. It never prints itself: {@link #toString()} is a mask, so that a secret passed to a log
 * statement or an exception message by mistake shows {@code ****}. Only {@link #reveal()} gives the value, to hand
 * it to a client.
 */
public final class Secret {

    private final String value;
    private final String origin;

    Secret(String value, String origin) {
        this.value = value;
        this.origin = origin;
    }

    /** The value, for a client's configuration; never log it. */
    public String reveal() {
        return value;
    }

    /** Where it was read from (a variable or file name), safe to log. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "****";
    }
}
