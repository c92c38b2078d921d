package dev.patchflow.pkg.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;

/**
 * Streams a package to a file, never more than {@code min(expected size, max bytes)}: a server
 * that sends more is cut off and refused, so a lying server cannot fill the disk.
 */
public final class Downloader {

    private final PackageSource source;
    private final long maxBytes;

    public Downloader(PackageSource source, long maxBytes) {
        this.source = source;
        this.maxBytes = maxBytes;
    }

    public void download(URI uri, long expectedSize, Path target, ProgressListener progress) throws IOException {
        if (expectedSize > maxBytes) {
            throw new PackageRefusedException(Reason.SIZE_MISMATCH,
                    "manifest size " + expectedSize + " exceeds the configured maximum " + maxBytes);
        }
        if (!source.supports(uri)) {
            throw new PackageRefusedException(Reason.DOWNLOAD_FAILED, "no package source for " + uri);
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        long done = 0;
        try (InputStream in = source.open(uri);
                FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                OutputStream out = Channels.newOutputStream(ch)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                done += n;
                if (done > expectedSize) {
                    throw new PackageRefusedException(Reason.SIZE_MISMATCH,
                            uri + " sends more than the manifest's " + expectedSize + " bytes");
                }
                out.write(buf, 0, n);
                progress.progress(done, expectedSize);
            }
            ch.force(false);
        } catch (PackageRefusedException e) {
            Files.deleteIfExists(target);
            throw e;
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw new PackageRefusedException(Reason.DOWNLOAD_FAILED, uri + ": " + e.getMessage(), e);
        }
        if (done != expectedSize) {
            Files.deleteIfExists(target);
            throw new PackageRefusedException(Reason.SIZE_MISMATCH,
                    uri + " sent " + done + " bytes, the manifest says " + expectedSize);
        }
    }
}
