package dev.patchflow.pkg.archive;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.internal.Fs;

/**
 * Writes a package: a tar.gz of paths relative to a tree, with their modes; symlinks stay links.
 * The output is reproducible (sorted entries, zero timestamps and owners), so the same trees give
 * the same SHA-256.
 */
public final class TarGzWriter implements Closeable {

    private final TarArchiveOutputStream tar;

    public TarGzWriter(OutputStream out) throws IOException {
        GzipParameters params = new GzipParameters();
        params.setCompressionLevel(6);
        this.tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(new BufferedOutputStream(out, 1 << 16),
                params));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    /** Adds {@code root/relPath}: a file, a symlink, or a directory with everything below it. */
    public void add(Path root, String relPath) throws IOException {
        Path p = PackagePaths.resolve(root, relPath);
        if (Files.isSymbolicLink(p)) {
            TarArchiveEntry e = new TarArchiveEntry(relPath, TarConstants.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
            put(e, null);
        } else if (Fs.isDirectory(p)) {
            TarArchiveEntry e = new TarArchiveEntry(relPath + "/", TarConstants.LF_DIR);
            e.setMode(040000 | Fs.toBits(Fs.mode(p)));
            put(e, null);
            List<String> children;
            try (Stream<Path> list = Files.list(p)) {
                children = list.map(c -> c.getFileName().toString()).sorted().toList();
            }
            for (String child : children) {
                add(root, relPath + "/" + child);
            }
        } else if (Files.isRegularFile(p, Fs.NOFOLLOW)) {
            TarArchiveEntry e = new TarArchiveEntry(relPath, TarConstants.LF_NORMAL);
            e.setMode(0100000 | Fs.toBits(Fs.mode(p)));
            e.setSize(Files.size(p));
            put(e, p);
        } else {
            throw new IOException("cannot package " + p + ": not a file, directory or symlink");
        }
    }

    private void put(TarArchiveEntry e, Path content) throws IOException {
        e.setModTime(FileTime.fromMillis(0));
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        tar.putArchiveEntry(e);
        if (content != null) {
            Files.copy(content, tar);
        }
        tar.closeArchiveEntry();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
