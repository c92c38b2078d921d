package dev.patchflow.pkg.archive;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a package's archive holds, as {@link SafeExtractor#inspect} found it by streaming it without writing
 * anything: every accepted entry's path, type, size, mode and link target, in archive order. The planner
 * judges links and operations against it; {@link SafeExtractor#extract} then writes exactly these entries.
 */
public final class ArchiveIndex {

    /** What an entry is. */
    public enum Kind {
        FILE, DIRECTORY, SYMLINK
    }

    /** One entry: its path (relative, '/'-separated, without a trailing '/'), what it is, and its facts. */
    public record Entry(String path, Kind kind, long size, int mode, String linkTarget) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final java.util.Set<String> refused = new java.util.HashSet<>();
    private long contentBytes;
    private long nameChars;

    void add(Entry entry) {
        Entry previous = entries.get(entry.path());
        if (previous == null) {
            nameChars += entry.path().length();
        }
        entries.put(entry.path(), entry);
        contentBytes += entry.size();
    }

    /** An entry the archive has but that was refused (when refusals are collected): not reported missing too. */
    void refused(String path) {
        refused.add(path);
    }

    /** Whether the archive holds {@code path}, accepted or refused. */
    public boolean seen(String path) {
        return entries.containsKey(path) || refused.contains(path);
    }

    long nameChars() {
        return nameChars;
    }

    public Optional<Entry> get(String path) {
        return Optional.ofNullable(entries.get(path));
    }

    public boolean contains(String path) {
        return entries.containsKey(path);
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    public List<Entry> symlinks() {
        return entries.values().stream().filter(e -> e.kind() == Kind.SYMLINK).toList();
    }

    public int size() {
        return entries.size();
    }

    /** Bytes of file content (what extraction writes, apart from metadata). */
    public long contentBytes() {
        return contentBytes;
    }
}
