package dev.patchflow.backup.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.io.input.BoundedInputStream;
import org.apache.commons.io.output.CloseShieldOutputStream;
import org.apache.commons.io.output.CountingOutputStream;

/**
 * Archives an install folder as a gzipped tar whose entry names are relative to the folder, so that
 * {@code tar -xzf backup.tar.gz -C <installPath>} restores it in place.
 * <p>
 * Symbolic links are stored as links and never followed: a link that points out of the folder must
 * not pull a foreign tree into the backup (or loop). Permission bits and modification times are kept.
 * Sockets, pipes and device files cannot be restored from a tar meaningfully and are left out.
 * <p>
 * The archive is streamed to its destination while its SHA-256 and size are computed, so a large
 * install never sits in memory.
 */
public final class TreeArchiver {

    private static final int TYPE_DIRECTORY = 0040000;
    private static final int TYPE_FILE = 0100000;
    private static final int TYPE_SYMLINK = 0120000;

    /** Writes the archive of {@code installFolder} to {@code archiveFile} (created or replaced). */
    public ArchiveDigest archive(Path installFolder, Path archiveFile) throws BackupFailureException {
        try (OutputStream out = Files.newOutputStream(archiveFile)) {
            return archive(installFolder, out);
        } catch (IOException e) {
            throw new BackupFailureException("cannot write archive " + archiveFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Streams the archive of {@code installFolder} to {@code sink} (not closed here).
     *
     * @throws BackupFailureException if the folder is missing or a file in it cannot be read
     */
    public ArchiveDigest archive(Path installFolder, OutputStream sink) throws BackupFailureException {
        if (!Files.exists(installFolder)) {
            throw new BackupFailureException("install folder " + installFolder + " does not exist");
        }
        if (!Files.isDirectory(installFolder)) {
            throw new BackupFailureException("install folder " + installFolder + " is not a directory");
        }
        MessageDigest sha256 = sha256();
        CountingOutputStream counted = new CountingOutputStream(CloseShieldOutputStream.wrap(sink));
        int entries;
        try (DigestOutputStream digested = new DigestOutputStream(counted, sha256);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(digested);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            entries = addChildren(tar, installFolder, "");
            tar.finish();
        } catch (UnreadableFileException e) {
            throw new BackupFailureException(e.getMessage(), e.getCause());
        } catch (IOException e) {
            throw new BackupFailureException("cannot archive " + installFolder + ": " + e.getMessage(), e);
        }
        return new ArchiveDigest(HexFormat.of().formatHex(sha256.digest()), counted.getByteCount(), entries);
    }

    private int addChildren(TarArchiveOutputStream tar, Path folder, String prefix) throws IOException {
        List<Path> children;
        // Sorted: the same tree gives the same entry order, which makes archives comparable.
        try (Stream<Path> listing = Files.list(folder)) {
            children = listing.sorted().toList();
        } catch (AccessDeniedException e) {
            throw new UnreadableFileException("cannot read folder " + folder + ": permission denied", e);
        }
        int count = 0;
        for (Path child : children) {
            count += add(tar, child, prefix + child.getFileName());
        }
        return count;
    }

    private int add(TarArchiveOutputStream tar, Path path, String name) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            // Deleted while we walked the tree: it is not part of the install any more.
            return 0;
        }
        int permissions = mode(attributes.permissions());
        if (attributes.isSymbolicLink()) {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(path).toString());
            entry.setMode(TYPE_SYMLINK | permissions);
            describe(entry, attributes);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return 1;
        }
        if (attributes.isDirectory()) {
            TarArchiveEntry entry = new TarArchiveEntry(name + "/");
            entry.setMode(TYPE_DIRECTORY | permissions);
            describe(entry, attributes);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return 1 + addChildren(tar, path, name + "/");
        }
        if (!attributes.isRegularFile()) {
            return 0;
        }
        InputStream in;
        try {
            in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            throw new UnreadableFileException("cannot read file " + path + ": permission denied", e);
        }
        try (in) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setMode(TYPE_FILE | permissions);
            entry.setSize(attributes.size());
            describe(entry, attributes);
            tar.putArchiveEntry(entry);
            // Copy exactly the size announced in the header: a file growing while we read it must
            // not corrupt the archive.
            long copied = BoundedInputStream.builder()
                    .setInputStream(in)
                    .setMaxCount(attributes.size())
                    .setPropagateClose(false)
                    .get()
                    .transferTo(tar);
            if (copied < attributes.size()) {
                throw new UnreadableFileException(
                        "file " + path + " shrank while it was archived (" + copied + " of " + attributes.size()
                                + " bytes)",
                        null);
            }
            tar.closeArchiveEntry();
            return 1;
        } catch (IOException e) {
            if (e instanceof UnreadableFileException) {
                throw e;
            }
            throw new UnreadableFileException("cannot read file " + path + ": " + e.getMessage(), e);
        }
    }

    private static void describe(TarArchiveEntry entry, PosixFileAttributes attributes) {
        entry.setModTime(attributes.lastModifiedTime());
        entry.setUserName(attributes.owner().getName());
        entry.setGroupName(attributes.group().getName());
    }

    /** The classic octal permission bits (rwxrwxrwx) of a permission set. */
    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= switch (permission) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    /** A file of the tree could not be read; its message is the failure reason. */
    private static final class UnreadableFileException extends IOException {

        UnreadableFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

}
