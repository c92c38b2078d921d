package dev.patchflow.schemas;

/**
 * The layout of a local application install (a directory fleet's target): the files that scanner-svc reads,
 * the package engine writes or keeps, validator-svc checks and the demo fleet creates. One definition, because
 * each of them got it right only as long as the others spelt the names the same way.
 */
public final class DirectoryInstall {

    /** The install's version: its trimmed content is the installed version; a folder without it is no install. */
    public static final String VERSION_FILE = "VERSION";

    /**
     * The install's descriptor (name, environment, landing zone, labels, platform, arch, address), optional. It
     * belongs to the install, not to a release: a full upgrade keeps it when the package has none, or the install
     * would drop out of every run that selects by those.
     */
    public static final String DESCRIPTOR_FILE = "target.yaml";

    private DirectoryInstall() {
    }
}
