package dev.patchflow.launcher;

import java.util.List;

/**
 * A launcher that runs {@code patchctl runs watch} against a report-svc that is not there ({@link Patchctl}, as the
 * demo runs {@code patchctl request --follow}): patchctl keeps retrying until {@code --unreachable-timeout}. Prints
 * {@code EXIT <code>} if {@link Patchctl#run} returns. Started by {@link PatchctlChildIT} as a child JVM.
 */
public final class PatchctlInChildJvm {

    private PatchctlInChildJvm() {
    }

    /** {@code <report-svc url> <unreachable timeout>}. */
    public static void main(String[] args) throws Exception {
        // As the demo's hook that stops the stack and the services: it can take seconds, long enough for patchctl
        // to end before it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stopping-everything"));
        int exit = new Patchctl(LauncherMain.home()).run(List.of("runs", "watch", "run-nowhere", "--report-url",
                args[0], "--unreachable-timeout", args[1]));
        System.out.println("EXIT " + exit);
    }
}
