package dev.patchflow.pkg;

import java.nio.file.Path;

import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.ApplyHooks;
import dev.patchflow.pkg.engine.ApplyRequest;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.engine.StepKind;
import dev.patchflow.pkg.manifest.ManifestCodec;

/**
 * Run by {@link CrashRecoveryTest} in a child JVM: applies a manifest and parks forever at a given
 * point (printing {@code PAUSED}) so that the test can kill it there with SIGKILL.
 * <p>
 * Args: install, work, manifest file, trusted public key (PEM path), pause point: {@code after:N},
 * {@code before:N}, {@code commit}, or {@code none} (apply to the end, print {@code DONE}: a run under a
 * small {@code -Xmx}).
 */
public final class ApplyInChildProcess {

    public static void main(String[] args) throws Exception {
        Path install = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Path manifestFile = Path.of(args[2]);
        TrustedKeys keys = TrustedKeys.of(Ed25519Keys.readPublicKey(Path.of(args[3])));
        String pause = args[4];
        PackageEngine engine = PackageEngine.builder().trustedKeys(keys).hooks(new ApplyHooks() {

            @Override
            public void beforeStep(int n, StepKind kind, String path) {
                if (pause.equals("before:" + n)) {
                    park();
                }
            }

            @Override
            public void afterStep(int n, StepKind kind, String path) {
                if (pause.equals("after:" + n)) {
                    park();
                }
            }

            @Override
            public void afterCommit() {
                if (pause.equals("commit")) {
                    park();
                }
            }
        }).build();
        engine.recover(install, work);
        engine.apply(ApplyRequest.of(install, work, Arch.X86_64, ManifestCodec.read(manifestFile),
                manifestFile.toUri()));
        System.out.println("DONE");
        System.out.flush();
    }

    private static void park() {
        System.out.println("PAUSED");
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(60_000); // waits for SIGKILL; this is a child process, not a test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
