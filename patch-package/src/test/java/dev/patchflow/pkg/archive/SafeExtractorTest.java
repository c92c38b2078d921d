package dev.patchflow.pkg.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.Refusals;
import dev.patchflow.pkg.TarFixtures;
import dev.patchflow.pkg.Trees;
import dev.patchflow.pkg.manifest.Operations;

/** The two passes: inspection writes nothing and checks every entry as it streams; extraction writes the index. */
class SafeExtractorTest {

    @TempDir
    Path tmp;

    private Path archive(TarFixtures t) throws Exception {
        Path p = tmp.resolve("p-" + System.nanoTime() + ".tar.gz");
        Files.write(p, t.build());
        return p;
    }

    @Test
    void inspectionIndexesEveryEntryAndWritesNothing() throws Exception {
        Path pkg = archive(new TarFixtures().dir("lib").file("lib/a.jar", "a", 0640).symlink("current", "lib/a.jar"));
        long files = countFiles();

        ArchiveIndex index = new SafeExtractor(PackageLimits.defaults()).inspect(pkg, EntryPolicy.anyTree(),
                Refusals.failFast());

        assertThat(index.entries()).extracting(ArchiveIndex.Entry::path).containsExactly("lib", "lib/a.jar", "current");
        assertThat(index.get("lib/a.jar").orElseThrow().mode()).isEqualTo(0640);
        assertThat(index.get("current").orElseThrow().linkTarget()).isEqualTo("lib/a.jar");
        assertThat(index.contentBytes()).isEqualTo(1);
        assertThat(countFiles()).isEqualTo(files);
    }

    @Test
    void extractionWritesTheInspectedEntriesWithTheirModesAndLinks() throws Exception {
        Path pkg = archive(new TarFixtures().dir("lib").file("lib/a.jar", "a", 0640).symlink("current", "lib/a.jar"));
        Path root = tmp.resolve("staging");

        new SafeExtractor(PackageLimits.defaults()).extract(pkg, root);

        assertThat(Trees.digest(root)).containsKeys("lib", "lib/a.jar", "current");
        assertThat(Trees.digest(root).get("current")).isEqualTo("l -> lib/a.jar");
        assertThat(Trees.digest(root).get("lib/a.jar")).startsWith("f 640 ");
    }

    @Test
    void aDirectoryListedTwiceIsExtractedOnce() throws Exception {
        Path pkg = archive(new TarFixtures().dir("lib").file("lib/a.jar", "a").dir("lib"));
        Path root = tmp.resolve("staging");

        ArchiveIndex index = new SafeExtractor(PackageLimits.defaults()).extract(pkg, root);

        assertThat(index.entries()).extracting(ArchiveIndex.Entry::path).containsExactly("lib", "lib/a.jar");
        assertThat(root.resolve("lib/a.jar")).hasContent("a");
    }

    @Test
    void anArchiveThatDiffersFromItsInspectionIsNotExtracted() throws Exception {
        Path inspected = archive(new TarFixtures().file("a", "one"));
        Path other = archive(new TarFixtures().file("a", "one").file("b", "two"));
        SafeExtractor extractor = new SafeExtractor(PackageLimits.defaults());
        ArchiveIndex index = extractor.inspect(inspected, EntryPolicy.anyTree(), Refusals.failFast());
        Path root = tmp.resolve("staging");

        assertThatThrownBy(() -> extractor.extract(other, root, index))
                .isInstanceOfSatisfying(PackageRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT_ARCHIVE))
                .hasMessageContaining("changed between its inspection and its extraction");
        assertThat(root).doesNotExist();
    }

    @Test
    void aHighCompressionRatioIsRefusedWhileTheBytesStream() throws Exception {
        // 64 MiB of zeros (~64 KiB compressed) is under every total, but 1000:1 is above the ratio
        Path pkg = archive(new TarFixtures().zeros("bin/app", 64L << 20));
        SafeExtractor extractor = new SafeExtractor(PackageLimits.defaults().withMaxCompressionRatio(100));

        assertThatThrownBy(() -> extractor.inspect(pkg, EntryPolicy.anyTree(), Refusals.failFast()))
                .isInstanceOfSatisfying(PackageRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.ARCHIVE_TOO_LARGE))
                .hasMessageContaining("compression ratio above 100:1");
    }

    @Test
    void oneEntryLargerThanThePerEntryLimitIsRefusedByItsHeader() throws Exception {
        Path pkg = archive(new TarFixtures().file("small", "x").zeros("big", 2L << 20));
        SafeExtractor extractor = new SafeExtractor(PackageLimits.defaults().withMaxEntryBytes(1L << 20));

        assertThatThrownBy(() -> extractor.inspect(pkg, EntryPolicy.anyTree(), Refusals.failFast()))
                .hasMessageContaining("'big' is 2097152 bytes, more than 1048576 per entry");
    }

    @Test
    void collectingReportsEveryBadEntryOfTheArchive() throws Exception {
        Path pkg = archive(new TarFixtures().file("bin/app", "ok")
                .file("../escape", "x")
                .hardLink("bin/copy", "bin/app")
                .special("bin/fifo", TarConstants.LF_FIFO)
                .symlink("bin/out", "../../etc")
                .file("bin/app", "again")
                .file("unnamed", "?"));
        Refusals refusals = Refusals.collecting();

        ArchiveIndex index = new SafeExtractor(PackageLimits.defaults()).inspect(pkg, EntryPolicy.forOperations(
                new Operations(List.of("bin/app", "bin/copy", "bin/fifo", "bin/out", "bin/missing"), null, null,
                        null)),
                refusals);

        assertThat(refusals.all()).extracting(PackageRefusedException::reason)
                .containsExactly(Reason.UNSAFE_PATH, Reason.UNSAFE_ENTRY, Reason.UNSAFE_ENTRY, Reason.UNSAFE_ENTRY,
                        Reason.UNSAFE_ENTRY, Reason.STRUCTURE_MISMATCH, Reason.STRUCTURE_MISMATCH);
        assertThat(refusals.all()).extracting(PackageRefusedException::getMessage)
                .anyMatch(m -> m.contains("duplicate entry 'bin/app'"))
                .anyMatch(m -> m.contains("'unnamed', which no operation names"))
                .anyMatch(m -> m.contains("replaceFiles names 'bin/missing' but the package has no such file"));
        assertThat(index.entries()).extracting(ArchiveIndex.Entry::path).containsExactly("bin/app");
    }

    @Test
    void aFileAfterEntriesBelowItsPathIsRefused() throws Exception {
        Path pkg = archive(new TarFixtures().file("lib/a.jar", "a").symlink("lib", "bin"));
        assertThatThrownBy(() -> new SafeExtractor(PackageLimits.defaults()).inspect(pkg, EntryPolicy.anyTree(),
                Refusals.failFast())).hasMessageContaining("would lie below the symlink 'lib'");
    }

    private long countFiles() throws Exception {
        try (var s = Files.walk(tmp)) {
            return s.count();
        }
    }
}
