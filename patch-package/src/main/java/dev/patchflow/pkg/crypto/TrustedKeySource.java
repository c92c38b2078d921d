package dev.patchflow.pkg.crypto;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the trusted keys come from at the moment a package is verified. A fixed set, or a directory read
 * again at every verification, so that a key added with {@code patchctl package trust} to a running
 * runner's folder counts from the next package on, without a restart.
 */
@FunctionalInterface
public interface TrustedKeySource {

    /** The keys to trust now. */
    TrustedKeys current() throws IOException;

    static TrustedKeySource of(TrustedKeys keys) {
        return () -> keys;
    }

    /**
     * The {@code *.pub.pem} files of {@code dir} as they are at each call, plus {@code fixed}. A file that is
     * not an Ed25519 public key fails the verification with an {@link IOException} naming it.
     */
    static TrustedKeySource directory(Path dir, TrustedKeys fixed) {
        return () -> {
            TrustedKeys fromDir;
            try {
                fromDir = TrustedKeys.fromDirectory(dir);
            } catch (IllegalArgumentException e) {
                throw new IOException("trusted keys folder " + dir + ": " + e.getMessage(), e);
            }
            List<PublicKey> all = new ArrayList<>();
            fixed.ids().forEach(id -> all.add(fixed.get(id).orElseThrow()));
            fromDir.ids().forEach(id -> all.add(fromDir.get(id).orElseThrow()));
            return TrustedKeys.of(all);
        };
    }
}
