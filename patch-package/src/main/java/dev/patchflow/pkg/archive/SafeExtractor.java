package dev.patchflow.pkg.archive;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.Refusals;
import dev.patchflow.pkg.internal.Fs;

/**
 * Reads a package's tar.gz in two streaming passes, so that a hostile archive is refused before anything of
 * it is written:
 * <ol>
 * <li>{@link #inspect}: every entry is checked as it streams and nothing is written: a safe relative path
 * (no absolute paths, '..' or empty segments, backslash, NUL, segments over 255 or paths over 4096 bytes),
 * not below a symlink of the package, not a duplicate, a file, directory or symlink (no hard links,
 * devices, fifos, sparse or unknown types), a symlink target that is relative and stays inside the
 * package lexically, an entry the {@link EntryPolicy} (the manifest's operations) names, and the limits:
 * entry count, size of one entry, total size, compression ratio (checked as the bytes stream), total length
 * of the names. The result is the {@link ArchiveIndex}.</li>
 * <li>{@link #extract}: the same entries are written into an empty staging directory (each must match the
 * index: the archive cannot change between the passes unnoticed); symlinks are created last, so nothing is
 * written through one. On refusal the staging directory is deleted.</li>
 * </ol>
 * So a refusal costs no disk beyond the downloaded package, and the time to stream up to the refused entry.
 * Whether a symlink resolves outside the install through links of the install is the planner's question
 * ({@code LinkJudge}): this class never looks at the install.
 */
public final class SafeExtractor {

    /** Total characters of entry names held in the index (a bound on its memory). */
    public static final long MAX_NAME_CHARS = 64L << 20;
    /** Longest entry path, and longest segment of one (Linux PATH_MAX and NAME_MAX). */
    public static final int MAX_PATH_BYTES = 4096;
    public static final int MAX_SEGMENT_BYTES = 255;

    private final PackageLimits limits;

    public SafeExtractor(PackageLimits limits) {
        this.limits = limits;
    }

    /**
     * Streams the archive and checks every entry without writing anything. Refusals that leave the rest of the
     * archive meaningful go to {@code refusals} (thrown at once when it fails fast); a limit or a corrupt
     * archive throws {@link PackageRefusedException}.
     */
    public ArchiveIndex inspect(Path tarGz, EntryPolicy policy, Refusals refusals) throws IOException {
        ArchiveIndex index = new ArchiveIndex();
        stream(tarGz, policy, refusals, null, index, null);
        policy.finish(index, refusals);
        return index;
    }

    /**
     * Writes the entries of {@code expected} (from {@link #inspect} of the same file) into {@code root}
     * (created; must not exist or be empty), with the same checks again. On any refusal or error the root is
     * deleted.
     */
    public void extract(Path tarGz, Path root, ArchiveIndex expected) throws IOException {
        Files.createDirectories(root);
        try {
            stream(tarGz, EntryPolicy.anyTree(), Refusals.failFast(), root.toAbsolutePath().normalize(),
                    new ArchiveIndex(), expected);
        } catch (IOException | RuntimeException e) {
            Fs.deleteRecursively(root);
            throw e;
        }
    }

    /** {@link #inspect} (any tree, failing fast) then {@link #extract}. */
    public ArchiveIndex extract(Path tarGz, Path root) throws IOException {
        ArchiveIndex index = inspect(tarGz, EntryPolicy.anyTree(), Refusals.failFast());
        extract(tarGz, root, index);
        return index;
    }

    /** Reads failures of the archive (not of the disk we write to) are a corrupt archive. */
    private static final class ReadFailure extends IOException {

        ReadFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Counts the compressed bytes read, for the ratio, and tags read errors. */
    private static final class CountingInput extends FilterInputStream {

        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                if (b >= 0) {
                    count++;
                }
                return b;
            } catch (IOException e) {
                throw new ReadFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count += n;
                }
                return n;
            } catch (IOException e) {
                throw new ReadFailure(e);
            }
        }
    }

    /** One pass. {@code root} null: inspect (write nothing); else extract the entries of {@code expected}. */
    private void stream(Path tarGz, EntryPolicy policy, Refusals refusals, Path root, ArchiveIndex index,
            ArchiveIndex expected) throws IOException {
        Pass pass = new Pass(policy, refusals, root, index, expected);
        try (InputStream file = Files.newInputStream(tarGz)) {
            CountingInput counted = new CountingInput(file);
            pass.compressed = counted;
            try (TarArchiveInputStream tar = new TarArchiveInputStream(gunzip(counted))) {
                TarArchiveEntry entry;
                while ((entry = nextEntry(tar)) != null) {
                    pass.entry(tar, entry);
                }
            }
        } catch (ReadFailure e) {
            throw new PackageRefusedException(Reason.CORRUPT_ARCHIVE, String.valueOf(e.getMessage()), e.getCause());
        }
        if (root != null) {
            pass.finishExtraction();
        }
    }

    /**
     * The JDK's inflater behind a 64 KiB buffer: the tar reader asks for 512-byte records, and one inflate call
     * per record would cost more than the records (200,000 entries are 400,000 records).
     */
    private static InputStream gunzip(InputStream compressed) throws IOException {
        try {
            return new BufferedInputStream(new GZIPInputStream(compressed, 1 << 16), 1 << 16);
        } catch (ReadFailure e) {
            throw e;
        } catch (IOException e) {
            throw new PackageRefusedException(Reason.CORRUPT_ARCHIVE, "not a gzip stream: " + e.getMessage(), e);
        }
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (ReadFailure e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            // a header commons-compress cannot parse
            throw new PackageRefusedException(Reason.CORRUPT_ARCHIVE, String.valueOf(e.getMessage()), e);
        }
    }

    /** The state of one pass over the archive. */
    private final class Pass {

        private final EntryPolicy policy;
        private final Refusals refusals;
        private final Path root;
        private final ArchiveIndex index;
        private final Iterator<ArchiveIndex.Entry> expected;
        private final int expectedCount;
        private final Map<String, ArchiveIndex.Kind> kinds = new HashMap<>();
        /** Every directory implied by an entry's path (its ancestors). */
        private final Set<String> impliedDirs = new HashSet<>();
        private final Map<String, Integer> dirModes = new LinkedHashMap<>();
        private final Map<String, String> symlinks = new LinkedHashMap<>();
        private final byte[] buffer = new byte[1 << 16];
        private CountingInput compressed;
        private int entries;
        private long content;

        Pass(EntryPolicy policy, Refusals refusals, Path root, ArchiveIndex index, ArchiveIndex expected) {
            this.policy = policy;
            this.refusals = refusals;
            this.root = root;
            this.index = index;
            this.expected = expected == null ? null : expected.entries().iterator();
            this.expectedCount = expected == null ? -1 : expected.size();
        }

        void entry(TarArchiveInputStream tar, TarArchiveEntry entry) throws IOException {
            if (++entries > limits.maxEntries()) {
                throw new PackageRefusedException(Reason.ARCHIVE_TOO_LARGE,
                        "more than " + limits.maxEntries() + " entries");
            }
            String name = entryName(entry);
            if (name.isEmpty() && entry.isDirectory()) {
                return; // the "./" root entry
            }
            String problem = pathProblem(name);
            if (problem != null) {
                refusals.refuse(Reason.UNSAFE_PATH, problem);
                index.refused(name);
                return;
            }
            ArchiveIndex.Kind kind = kindOf(entry);
            if (kind == null) {
                refusals.refuse(Reason.UNSAFE_ENTRY, "'" + name + "' is a " + describe(entry)
                        + "; only files, directories and symlinks inside the package are allowed");
                index.refused(name);
                return;
            }
            if (kind == ArchiveIndex.Kind.DIRECTORY && kinds.get(name) == ArchiveIndex.Kind.DIRECTORY) {
                return; // a directory listed again (tar allows it): nothing new, the first one counts
            }
            List<String> ancestors = EntryPolicy.ancestorsOf(name);
            if (!placeable(name, kind, ancestors) || !policy.accept(name, kind, refusals)) {
                index.refused(name);
                return;
            }
            long size = 0;
            String linkTarget = null;
            if (kind == ArchiveIndex.Kind.SYMLINK) {
                linkTarget = entry.getLinkName();
                String linkProblem = linkProblem(name, linkTarget);
                if (linkProblem != null) {
                    refusals.refuse(Reason.UNSAFE_ENTRY, linkProblem);
                    index.refused(name);
                    return;
                }
            } else if (kind == ArchiveIndex.Kind.FILE) {
                size = entry.getSize();
                if (size > limits.maxEntryBytes()) {
                    throw new PackageRefusedException(Reason.ARCHIVE_TOO_LARGE, "'" + name + "' is " + size
                            + " bytes, more than " + limits.maxEntryBytes() + " per entry");
                }
                if (content + size > limits.maxUncompressedBytes()) {
                    throw new PackageRefusedException(Reason.ARCHIVE_TOO_LARGE,
                            "more than " + limits.maxUncompressedBytes() + " uncompressed bytes");
                }
            }
            ArchiveIndex.Entry accepted = new ArchiveIndex.Entry(name, kind, size, entry.getMode() & 0777, linkTarget);
            if (expected != null) {
                ArchiveIndex.Entry inspected = expected.hasNext() ? expected.next() : null;
                if (!accepted.equals(inspected)) {
                    throw new PackageRefusedException(Reason.CORRUPT_ARCHIVE,
                            "the archive changed between its inspection and its extraction at '" + name + "'");
                }
            }
            kinds.put(name, kind);
            impliedDirs.addAll(ancestors);
            index.add(accepted);
            if (index.nameChars() > MAX_NAME_CHARS) {
                throw new PackageRefusedException(Reason.ARCHIVE_TOO_LARGE,
                        "entry names longer than " + MAX_NAME_CHARS + " characters together");
            }
            switch (kind) {
                case DIRECTORY -> {
                    if (root != null) {
                        Files.createDirectories(root.resolve(name));
                    }
                    dirModes.put(name, accepted.mode());
                }
                case SYMLINK -> symlinks.put(name, linkTarget);
                case FILE -> copyContent(tar, name, size, accepted.mode());
            }
        }

        /** Not a duplicate, not below a symlink or a file of the package, not a file where others see a directory. */
        private boolean placeable(String name, ArchiveIndex.Kind kind, List<String> ancestors) {
            ArchiveIndex.Kind previous = kinds.get(name);
            if (previous != null) {
                refusals.refuse(Reason.UNSAFE_ENTRY, "duplicate entry '" + name + "'");
                return false;
            }
            for (String ancestor : ancestors) {
                ArchiveIndex.Kind above = kinds.get(ancestor);
                if (above == ArchiveIndex.Kind.SYMLINK) {
                    refusals.refuse(Reason.UNSAFE_PATH, "'" + name + "' lies below the symlink '" + ancestor + "'");
                    return false;
                }
                if (above == ArchiveIndex.Kind.FILE) {
                    refusals.refuse(Reason.UNSAFE_ENTRY, "'" + name + "' lies below the file '" + ancestor + "'");
                    return false;
                }
            }
            if (kind != ArchiveIndex.Kind.DIRECTORY && impliedDirs.contains(name)) {
                refusals.refuse(kind == ArchiveIndex.Kind.SYMLINK ? Reason.UNSAFE_PATH : Reason.UNSAFE_ENTRY,
                        "'" + name + "' is a " + kind.name().toLowerCase() + " but earlier entries lie below it"
                                + (kind == ArchiveIndex.Kind.SYMLINK
                                        ? " (they would lie below the symlink '" + name
                                                + "')"
                                        : ""));
                return false;
            }
            return true;
        }

        /**
         * Streams a file's bytes, checking the compression ratio as they come, and writes them when
         * extracting: a bomb is refused after at most {@code ratio × compressed + slack} bytes of it.
         */
        private void copyContent(TarArchiveInputStream tar, String name, long size, int mode) throws IOException {
            OutputStream out = null;
            Path target = null;
            if (root != null) {
                target = root.resolve(name);
                Files.createDirectories(target.getParent());
                out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            try {
                long left = size;
                while (left > 0) {
                    int n = readData(tar, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new PackageRefusedException(Reason.CORRUPT_ARCHIVE, "'" + name + "' is truncated");
                    }
                    left -= n;
                    content += n;
                    long allowed = (long) limits.maxCompressionRatio() * compressed.count
                            + PackageLimits.RATIO_SLACK_BYTES;
                    if (content > allowed) {
                        throw new PackageRefusedException(Reason.ARCHIVE_TOO_LARGE,
                                "compression ratio above " + limits.maxCompressionRatio() + ":1 (" + content
                                        + " bytes from " + compressed.count + " compressed bytes, at '" + name
                                        + "')");
                    }
                    if (out != null) {
                        out.write(buffer, 0, n);
                    }
                }
            } finally {
                if (out != null) {
                    out.close();
                }
            }
            if (target != null) {
                Fs.setMode(target, Fs.fromBits(mode));
            }
        }

        private int readData(TarArchiveInputStream tar, int len) throws IOException {
            try {
                return tar.read(buffer, 0, len);
            } catch (ReadFailure e) {
                throw e;
            } catch (IOException e) {
                throw new ReadFailure(e);
            }
        }

        void finishExtraction() throws IOException {
            if (expected != null && (expected.hasNext() || index.size() != expectedCount)) {
                throw new PackageRefusedException(Reason.CORRUPT_ARCHIVE,
                        "the archive changed between its inspection and its extraction (entries missing)");
            }
            for (Map.Entry<String, String> link : symlinks.entrySet()) {
                Path at = root.resolve(link.getKey());
                Files.createDirectories(at.getParent());
                Files.createSymbolicLink(at, Path.of(link.getValue()));
            }
            // directory modes last (deepest first), so a read-only directory did not stop its children
            Deque<Map.Entry<String, Integer>> stack = new ArrayDeque<>(dirModes.entrySet());
            while (!stack.isEmpty()) {
                Map.Entry<String, Integer> d = stack.pollLast();
                Fs.setMode(root.resolve(d.getKey()), Fs.fromBits(d.getValue()));
            }
        }
    }

    private static String pathProblem(String name) {
        String problem = PackagePaths.problem(name);
        if (problem != null) {
            return problem;
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            return "path longer than " + MAX_PATH_BYTES + " bytes: '" + name.substring(0, 64) + "…'";
        }
        for (String segment : name.split("/")) {
            if (segment.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "a segment of '" + name + "' is longer than " + MAX_SEGMENT_BYTES + " bytes";
            }
        }
        return null;
    }

    private static String entryName(TarArchiveEntry entry) {
        String name = entry.getName();
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        if (name.equals(".")) {
            return "";
        }
        if (entry.isDirectory() && name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static ArchiveIndex.Kind kindOf(TarArchiveEntry entry) {
        if (entry.isDirectory()) {
            return ArchiveIndex.Kind.DIRECTORY;
        }
        if (entry.isSymbolicLink()) {
            return ArchiveIndex.Kind.SYMLINK;
        }
        byte flag = entry.getLinkFlag();
        if (!entry.isSparse() && (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
                || flag == TarConstants.LF_CONTIG)) {
            return ArchiveIndex.Kind.FILE;
        }
        return null;
    }

    private static String describe(TarArchiveEntry entry) {
        if (entry.isLink()) {
            return "hard link (to '" + entry.getLinkName() + "')";
        }
        if (entry.isCharacterDevice()) {
            return "character device";
        }
        if (entry.isBlockDevice()) {
            return "block device";
        }
        if (entry.isFIFO()) {
            return "fifo";
        }
        if (entry.isSparse()) {
            return "sparse file";
        }
        return "entry of type '" + (char) entry.getLinkFlag() + "'";
    }

    /**
     * A symlink's target must be relative and, resolved lexically from the link's directory, stay inside the
     * package. Whether it stays inside once links of the install and of the package are followed is judged
     * against the install by the planner.
     */
    private static String linkProblem(String name, String linkTarget) {
        if (linkTarget == null || linkTarget.isEmpty() || linkTarget.startsWith("/") || linkTarget.indexOf('\0') >= 0
                || linkTarget.indexOf('\\') >= 0) {
            return "symlink '" + name + "' points to '" + linkTarget + "' (absolute or empty)";
        }
        if (linkTarget.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            return "symlink '" + name + "' has a target longer than " + MAX_PATH_BYTES + " bytes";
        }
        int depth = name.split("/").length - 1; // segments of the link's directory
        for (String segment : linkTarget.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (depth == 0) {
                    return "symlink '" + name + "' points outside the package: '" + linkTarget + "'";
                }
                depth--;
            } else {
                depth++;
            }
        }
        return null;
    }
}
