package dev.patchflow.pkg.manifest;

import java.util.List;
import java.util.stream.Stream;

/**
 * The four operations of a patch package, each a list of paths relative to the install root. The
 * engine runs them in the order deletions of files, deletions of directories, replacement of
 * directories, replacement of files; a path may appear once, and never below another named path.
 */
public record Operations(List<String> replaceFiles, List<String> replaceDirectories, List<String> deleteFiles,
        List<String> deleteDirectories) {

    public Operations {
        replaceFiles = replaceFiles == null ? List.of() : List.copyOf(replaceFiles);
        replaceDirectories = replaceDirectories == null ? List.of() : List.copyOf(replaceDirectories);
        deleteFiles = deleteFiles == null ? List.of() : List.copyOf(deleteFiles);
        deleteDirectories = deleteDirectories == null ? List.of() : List.copyOf(deleteDirectories);
    }

    public static Operations none() {
        return new Operations(List.of(), List.of(), List.of(), List.of());
    }

    public int count() {
        return replaceFiles.size() + replaceDirectories.size() + deleteFiles.size() + deleteDirectories.size();
    }

    /** Every named path, in no particular order. */
    public Stream<String> allPaths() {
        return Stream.of(replaceFiles, replaceDirectories, deleteFiles, deleteDirectories).flatMap(List::stream);
    }
}
