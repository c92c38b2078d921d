package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * Finding 3: a hostile archive is refused before any of its entries is written, with the default limits.
 * What a refusal cost is measured in bytes this JVM wrote (the download of the small package included), not
 * in wall time. Before, the 1 GB archive was extracted in full (1.26 GB of disk) before STRUCTURE_MISMATCH,
 * and the 200,001-entry one wrote 200,000 files (396 MB, 211 s) before ARCHIVE_TOO_LARGE.
 */
class EarlyRefusalTest {

    /** The downloaded package is a few MB; everything else a refusal may write is noise. */
    private static final long FEW_MB = 8L << 20;

    @TempDir
    Path tmp;
    Path install;
    Path work;
    Fixture fixture;
    Map<String, String> before;

    @BeforeEach
    void setUp() throws Exception {
        install = Installs.v100(tmp.resolve("app"));
        work = tmp.resolve("work");
        fixture = new Fixture(tmp.resolve("repo"));
        before = Trees.digest(install);
    }

    @Test
    void aGigabyteOfEntriesNoOperationNamesIsRefusedBeforeAnyIsWritten() throws Exception {
        TarFixtures archive = new TarFixtures(1).file("bin/app", "#!/bin/sh\necho 1.1.0\n", 0755);
        for (int i = 0; i < 64; i++) {
            archive.zeros("junk/part-" + i, 16L << 20); // 64 × 16 MiB = 1 GiB, a few MB compressed
        }
        byte[] tarGz = archive.build();
        ReleaseManifest m = fixture.patchRelease("1.1.0", "1.0.0", tarGz, Fixture.replaceFiles("bin/app"));

        long started = System.nanoTime();
        long written = DiskWrites.during(() -> assertThatThrownBy(
                () -> fixture.engine().apply(fixture.request(install, work, m)))
                .isInstanceOfSatisfying(PackageRefusedException.class, e -> {
                    report("1 GiB of unnamed entries", tarGz.length, started, e);
                    assertThat(e.reason()).isEqualTo(Reason.STRUCTURE_MISMATCH);
                    assertThat(e.getMessage()).contains("'junk/part-0', which no operation names");
                }));

        assertThat(written).as("bytes written for a %d-byte package", tarGz.length)
                .isLessThan(tarGz.length + FEW_MB);
        assertThat(Trees.digest(install)).isEqualTo(before);
    }

    @Test
    void moreEntriesThanTheLimitAreRefusedBeforeAnyIsWritten() throws Exception {
        // 200,001 tiny files, all below a directory the operations replace: each entry is acceptable on its own
        int limit = PackageLimits.defaults().maxEntries();
        TarFixtures archive = new TarFixtures(1).dir("lib");
        for (int i = 0; i < limit; i++) {
            archive.file("lib/f" + i, "x");
        }
        byte[] tarGz = archive.build();
        ReleaseManifest m = fixture.patchRelease("1.1.0", "1.0.0", tarGz,
                new Operations(List.of(), List.of("lib"), List.of(), List.of()));

        long started = System.nanoTime();
        long written = DiskWrites.during(() -> assertThatThrownBy(
                () -> fixture.engine().apply(fixture.request(install, work, m)))
                .isInstanceOfSatisfying(PackageRefusedException.class, e -> {
                    report((limit + 1) + " entries", tarGz.length, started, e);
                    assertThat(e.reason()).isEqualTo(Reason.ARCHIVE_TOO_LARGE);
                    assertThat(e.getMessage()).contains("more than " + limit + " entries");
                }));

        assertThat(written).as("bytes written for a %d-byte package", tarGz.length)
                .isLessThan(tarGz.length + FEW_MB);
        assertThat(Trees.digest(install)).isEqualTo(before);
        try (var s = Files.walk(work)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())).containsOnly("lock");
        }
    }

    /** The time is printed, not asserted: the build machine is shared. */
    private static void report(String what, long packageBytes, long started, PackageRefusedException e) {
        System.out.printf("%s (%,d-byte package) refused in %,d ms: %s%n", what, packageBytes,
                (System.nanoTime() - started) / 1_000_000, e.getMessage());
    }
}
