package dev.patchflow.pkg;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Semantic Versioning 2.0.0 version. Ordering follows the spec: numeric core, then a release
 * sorts after any of its pre-releases, pre-release identifiers compare numerically when both are
 * numeric, numeric before alphanumeric, and a longer list wins on a common prefix. Build metadata is
 * kept for display but ignored by {@link #compareTo} and {@link #equals}.
 */
public final class SemVer implements Comparable<SemVer> {

    private static final Pattern PATTERN = Pattern.compile("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
            + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
            + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

    private final long major;
    private final long minor;
    private final long patch;
    private final List<String> preRelease;
    private final String build;
    private final String text;

    private SemVer(long major, long minor, long patch, List<String> preRelease, String build, String text) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.preRelease = preRelease;
        this.build = build;
        this.text = text;
    }

    /** Parses strict SemVer 2.0.0 (no leading {@code v}, no missing components). */
    public static SemVer parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("version is null");
        }
        String trimmed = text.trim();
        Matcher m = PATTERN.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a semantic version: '" + text + "'");
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        try {
            return new SemVer(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), pre,
                    m.group(5), trimmed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("version component too large: '" + text + "'", e);
        }
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    public boolean isAfter(SemVer other) {
        return compareTo(other) > 0;
    }

    public boolean isBefore(SemVer other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(SemVer o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            // a release is greater than its pre-releases
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
            c = compareIdentifier(preRelease.get(i), o.preRelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    private static int compareIdentifier(String a, String b) {
        boolean an = isNumeric(a);
        boolean bn = isNumeric(b);
        if (an && bn) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (an != bn) {
            return an ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean isNumeric(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemVer v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        List<Object> key = new ArrayList<>(List.of(major, minor, patch));
        key.addAll(preRelease);
        return key.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
