package dev.patchflow.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.patchflow.pkg.internal.Fs;

/** Test helpers for trees on disk: a digest of every entry's type, mode and content, and builders. */
public final class Trees {

    private Trees() {
    }

    /** path → "f 644 <sha256>" | "d 755" | "l -> target"; the root's own mode is included as "". */
    public static Map<String, String> digest(Path root) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "l -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "d " + Integer.toOctalString(Fs.toBits(Fs.mode(p))));
                } else {
                    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                    out.put(rel, "f " + Integer.toOctalString(Fs.toBits(Fs.mode(p))) + " "
                            + HexFormat.of().formatHex(sha));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Every entry's modification time (to prove nothing was touched). */
    public static Map<String, FileTime> mtimes(Path root) {
        Map<String, FileTime> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                out.put(root.relativize(p).toString(), Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static Path write(Path root, String rel, String content, int mode) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        Fs.setMode(p, Fs.fromBits(mode));
        return p;
    }

    public static Path write(Path root, String rel, String content) throws IOException {
        return write(root, rel, content, 0644);
    }

    public static void copy(Path from, Path to) throws IOException {
        Fs.copyTree(from, to, false);
    }
}
