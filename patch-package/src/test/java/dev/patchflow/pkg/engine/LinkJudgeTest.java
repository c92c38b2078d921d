package dev.patchflow.pkg.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.Installs;
import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.Refusals;
import dev.patchflow.pkg.TarFixtures;
import dev.patchflow.pkg.archive.ArchiveIndex;
import dev.patchflow.pkg.archive.SafeExtractor;
import dev.patchflow.pkg.manifest.Operations;

/**
 * The link judge on its own: links resolved the way the kernel resolves them, in the install as the apply
 * will leave it. (The engine-level cases, with the install byte-identical after the refusal, are in
 * PackageRefusalTest.)
 */
class LinkJudgeTest {

    @TempDir
    Path tmp;
    Path install;

    @BeforeEach
    void setUp() throws Exception {
        install = Installs.v100(tmp.resolve("app"));
    }

    private List<String> judge(TarFixtures archive, Operations ops, Path against) throws Exception {
        Path pkg = tmp.resolve("p-" + System.nanoTime() + ".tar.gz");
        Files.write(pkg, archive.build());
        ArchiveIndex index = new SafeExtractor(PackageLimits.defaults()).inspect(pkg, ApplyPlanner.entryPolicy(ops),
                Refusals.failFast());
        Refusals refusals = Refusals.collecting();
        ApplyPlanner.checkLinks(ops, index, against, refusals);
        return refusals.all().stream().map(PackageRefusedException::getMessage).toList();
    }

    private static Operations files(String... paths) {
        return new Operations(List.of(paths), List.of(), List.of(), List.of());
    }

    @Test
    void anAbsoluteInstallLinkIntoTheInstallIsFollowedInside() throws Exception {
        Files.createSymbolicLink(install.resolve("lib/current"), install.resolve("lib"));
        assertThat(judge(new TarFixtures().symlink("bin/tool", "../lib/current/a.jar"), files("bin/tool"), install))
                .isEmpty();
    }

    @Test
    void anInstallReachedThroughASymlinkIsJudgedByItsRealPathToo() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path viaAlias = Installs.v100(real.resolve("app"));
        Files.createSymbolicLink(tmp.resolve("alias"), real);
        Files.createSymbolicLink(viaAlias.resolve("lib/current"), real.resolve("app/lib").toRealPath());
        assertThat(judge(new TarFixtures().symlink("bin/tool", "../lib/current/a.jar"), files("bin/tool"),
                tmp.resolve("alias/app"))).isEmpty();
    }

    @Test
    void anInstallLinkThatAlreadyLeadsOutsideIsTheInstallsOwnBusiness() throws Exception {
        Files.createSymbolicLink(install.resolve("logs"), tmp.resolve("var-log"));
        assertThat(judge(new TarFixtures().symlink("bin/tool", "app"), files("bin/tool"), install)).isEmpty();
    }

    @Test
    void aLinkToSomethingNotThereYetStaysInside() throws Exception {
        assertThat(judge(new TarFixtures().symlink("bin/later", "../var/run/x"), files("bin/later"), install))
                .isEmpty();
    }

    @Test
    void aLoopIsRefused() throws Exception {
        assertThat(judge(new TarFixtures().symlink("bin/a", "b").symlink("bin/b", "a"), files("bin/a", "bin/b"),
                install)).hasSize(2).allMatch(m -> m.contains("more than 40 links (a loop)"));
    }

    @Test
    void aLinkThroughADeletedDirectoryIsJudgedWithoutIt() throws Exception {
        // 'old' is deleted by the patch: a link through 'old/..' no longer meets the install's 'old' link
        Files.delete(install.resolve("old/plugin/x.so"));
        Files.delete(install.resolve("old/plugin"));
        Files.createSymbolicLink(install.resolve("old/plugin"), tmp);
        Operations ops = new Operations(List.of("bin/tool"), List.of(), List.of(), List.of("old"));
        assertThat(judge(new TarFixtures().symlink("bin/tool", "../old/plugin/../x"), ops, install)).isEmpty();
    }

    @Test
    void aFullPackageIsJudgedAgainstItsOwnTree() throws Exception {
        assertThat(judge(new TarFixtures().symlink("lib/up", "..").symlink("bin/x", "../lib/up/../y"), null, install))
                .containsExactly("UNSAFE_ENTRY: symlink 'bin/x' -> '../lib/up/../y' resolves outside the install "
                        + "through the symlink 'lib/up' -> '..' of the package once applied");
    }

    @Test
    void withoutAnInstallThePackagesLinksAreJudgedAlone() throws Exception {
        assertThat(judge(new TarFixtures().symlink("bin/ok", "../lib/x"), files("bin/ok"), null)).isEmpty();
        assertThat(judge(new TarFixtures().symlink("lib/up", "..").symlink("bin/x", "../lib/up/../y"),
                files("lib/up", "bin/x"), null)).hasSize(1);
    }
}
