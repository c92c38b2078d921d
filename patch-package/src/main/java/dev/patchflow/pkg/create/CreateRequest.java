package dev.patchflow.pkg.create;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.LocalDate;
import java.util.Objects;

import dev.patchflow.pkg.Arch;

/**
 * {@code patchctl package create --from <dir> --to <dir> --version X --arch A --key K --out <dir>
 * --manifest <file> [--full] [--base-url U] [--notes N] [--date D]}.
 *
 * @param fromDir the installed tree the patch applies to; its VERSION marker is the fromRange
 * @param toDir the release tree; its VERSION marker, if any, must equal {@code version}
 * @param signingKey Ed25519 private key; null writes an unsigned package (local demos only)
 * @param outDir where the tar.gz files are written
 * @param manifestFile created, or updated when it already describes {@code version}
 * @param includeFull also build the full package of {@code toDir}
 * @param baseUrl prefix for the package URLs in the manifest; null: bare file names, resolved
 *        against the manifest's location
 * @param notes release notes (null keeps the existing manifest's)
 * @param releaseDate null keeps the existing manifest's, or today
 */
public record CreateRequest(Path fromDir, Path toDir, String version, Arch arch, PrivateKey signingKey, Path outDir,
        Path manifestFile, boolean includeFull, String baseUrl, String notes, LocalDate releaseDate) {

    public CreateRequest {
        Objects.requireNonNull(fromDir, "fromDir");
        Objects.requireNonNull(toDir, "toDir");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(manifestFile, "manifestFile");
    }
}
