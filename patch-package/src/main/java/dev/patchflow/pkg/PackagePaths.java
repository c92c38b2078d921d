package dev.patchflow.pkg;

import java.nio.file.Path;

import dev.patchflow.schemas.DirectoryInstall;

/**
 * The one rule for paths inside an install or a package: relative, '/'-separated, no empty, '.' or
 * '..' segments, no backslash or NUL. Used for manifest operations and archive entries alike.
 */
public final class PackagePaths {

    /** The install's version marker, written by the engine as the last step of an apply. */
    public static final String VERSION_MARKER = DirectoryInstall.VERSION_FILE;

    /** The install's descriptor, which a full upgrade keeps when the package has none. */
    public static final String INSTALL_DESCRIPTOR = DirectoryInstall.DESCRIPTOR_FILE;

    private PackagePaths() {
    }

    /** Why {@code path} is unsafe, or {@code null} when it is a safe relative path. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "empty path";
        }
        if (path.startsWith("/")) {
            return "absolute path '" + path + "'";
        }
        if (path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
            return "backslash or NUL in '" + path + "'";
        }
        if (path.length() > 1 && path.charAt(1) == ':') {
            return "drive letter in '" + path + "'";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                return "empty or '.' segment in '" + path + "'";
            }
            if (segment.equals("..")) {
                return "'..' segment in '" + path + "'";
            }
        }
        return null;
    }

    /** {@code root.resolve(path)} after checking the path; the result is always inside {@code root}. */
    public static Path resolve(Path root, String path) {
        String problem = problem(path);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Path resolved = root.resolve(path).normalize();
        if (!resolved.startsWith(root.normalize()) || resolved.equals(root.normalize())) {
            throw new IllegalArgumentException("'" + path + "' is not inside " + root);
        }
        return resolved;
    }

    /** True when {@code descendant} equals {@code ancestor} or lies below it (by segments, not by prefix). */
    public static boolean isSameOrBelow(String descendant, String ancestor) {
        return descendant.equals(ancestor) || descendant.startsWith(ancestor + "/");
    }
}
