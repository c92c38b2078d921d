package dev.patchflow.scanner.adapters.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.scanner.domain.TargetFilter;
import dev.patchflow.scanner.support.Fleet;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

class DirectoryInventoryProviderTest {

    @TempDir
    Path dir;

    private final DirectoryInventoryProvider provider() {
        return new DirectoryInventoryProvider(new SourcePaths(dir), "linux", "aarch64");
    }

    private List<Target> discover(String source) {
        return provider().discover(new TargetSelector("directory", source, null, null, null));
    }

    @Test
    void everySubFolderWithAVersionFileIsAnInstallWithDefaults() throws IOException {
        Fleet fleet = new Fleet(Files.createDirectory(dir.resolve("fleet")));
        Path app = fleet.install("app-01", "  1.0.0\n");

        assertThat(discover("fleet")).containsExactly(new Target("app-01", "app-01", "directory", "local", "local",
                Map.of(), null, "linux", "aarch64", "installed", app.toAbsolutePath().toString(), "1.0.0", null,
                null));
    }

    @Test
    void aFolderWithoutVersionIsNotAnInstallAndNeitherIsAFile() throws IOException {
        Fleet fleet = new Fleet(Files.createDirectory(dir.resolve("fleet")));
        fleet.install("app-02", "2.0");
        fleet.install("app-01", "1.0");
        Files.createDirectories(fleet.root().resolve("logs"));
        Files.writeString(fleet.root().resolve("logs/readme.txt"), "no VERSION here");
        Files.writeString(fleet.root().resolve("VERSION"), "the root is not an install");
        Files.createDirectories(fleet.root().resolve("nested/app-03"));
        Files.writeString(fleet.root().resolve("nested/app-03/VERSION"), "3.0");

        assertThat(discover("fleet")).extracting(Target::id).containsExactly("app-01", "app-02");
    }

    @Test
    void targetYamlOverridesTheDefaults() throws IOException {
        Fleet fleet = new Fleet(dir);
        fleet.install("app-01", "1.0.0", """
                name: App One
                environment: dev
                landingZone: lz-dev-a
                labels:
                  tier: web
                platform: windows
                arch: x86_64
                address: 127.0.0.1:9001
                """);

        Target target = discover(dir.toString()).get(0);

        assertThat(target).extracting(Target::name, Target::environment, Target::landingZone, Target::labels,
                Target::platform, Target::arch, Target::address, Target::installedVersion, Target::state)
                .containsExactly("App One", "dev", "lz-dev-a", Map.of("tier", "web"), "windows", "x86_64",
                        "127.0.0.1:9001", "1.0.0", "installed");
    }

    @Test
    void selectionByEnvironmentLandingZoneAndLabels() throws IOException {
        Fleet fleet = new Fleet(dir);
        fleet.install("a", "1", "environment: dev\nlandingZone: lz-a\nlabels: {tier: web}\n");
        fleet.install("b", "1", "environment: dev\nlandingZone: lz-b\nlabels: {tier: db}\n");
        fleet.install("c", "1", "environment: prod\nlandingZone: lz-a\nlabels: {tier: web}\n");
        fleet.install("d", "1");

        assertThat(select(new TargetSelector("directory", ".", "DEV", null, null))).containsExactly("a", "b");
        assertThat(select(new TargetSelector("directory", ".", null, List.of("lz-a"), null))).containsExactly("a",
                "c");
        assertThat(select(new TargetSelector("directory", ".", null, null, Map.of("tier", "web"))))
                .containsExactly("a", "c");
        assertThat(select(new TargetSelector("directory", ".", "local", List.of("local"), null)))
                .containsExactly("d");
    }

    private List<String> select(TargetSelector selector) {
        return TargetFilter.select(selector, provider().discover(selector)).stream().map(Target::id).toList();
    }

    @Test
    void rejectsAMissingRootNamingIt() {
        assertThatThrownBy(() -> discover("missing")).isInstanceOf(RejectedRunException.class)
                .hasMessage("directory root " + dir.resolve("missing") + " does not exist");
    }

    @Test
    void rejectsARootThatIsAFile() throws IOException {
        Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> discover("file")).hasMessage("directory root " + dir.resolve("file")
                + " is not a folder");
    }

    @Test
    void rejectsAnUnknownFieldInTargetYamlNamingTheFileAndLine() throws IOException {
        Fleet fleet = new Fleet(dir);
        Path app = fleet.install("app", "1", "name: x\nzone: lz-a\n");

        assertThatThrownBy(() -> discover(".")).isInstanceOf(RejectedRunException.class)
                .hasMessageStartingWith(
                        "target.yaml " + app.resolve("target.yaml") + ": unknown field 'zone' (line 2)");
    }

    @Test
    void rejectsAnEmptyVersionFile() throws IOException {
        Fleet fleet = new Fleet(dir);
        Path app = fleet.install("app", " \n");

        assertThatThrownBy(() -> discover(".")).hasMessage("version file " + app.resolve("VERSION") + " is empty");
    }

    @Test
    void rejectsAnInstallFolderWhoseNameCannotBeATargetId() throws IOException {
        new Fleet(dir).install("my app", "1");

        assertThatThrownBy(() -> discover(".")).hasMessageContaining("its name 'my app' is not a valid target id");
    }
}
