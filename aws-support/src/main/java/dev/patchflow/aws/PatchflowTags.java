package dev.patchflow.aws;

/**
 * The tags Patchflow puts on what it creates in AWS (AMIs and their snapshots). The retention sweeper only ever
 * touches resources that carry {@link #MANAGED}; the run and target tags make creation idempotent (an image tagged
 * for this run and target is found before another is made).
 */
public final class PatchflowTags {

    /** {@code true} on everything Patchflow made. */
    public static final String MANAGED = "patchflow:managed";
    public static final String RUN = "patchflow:run";
    public static final String TARGET = "patchflow:target";
    /** RFC 3339 instant after which the retention sweeper removes the resource. */
    public static final String RETAIN_UNTIL = "patchflow:retain-until";
    public static final String LANDING_ZONE = "patchflow:landing-zone";

    private PatchflowTags() {
    }

    /** The EC2 filter name for a tag key, e.g. {@code tag:patchflow:run}. */
    public static String filter(String key) {
        return "tag:" + key;
    }
}
