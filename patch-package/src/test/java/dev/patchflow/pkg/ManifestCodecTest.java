package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.ReleaseManifest;

class ManifestCodecTest {

    private static final Path EXAMPLES = Path.of(System.getProperty("schemas.dir", "../schemas"), "examples/manifest");

    @Test
    void validExamplesPassTheSchemaAndReadBackUnchanged() throws IOException {
        List<Path> valid = list(EXAMPLES.resolve("valid"));
        assertThat(valid).isNotEmpty();
        for (Path file : valid) {
            String json = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(ManifestCodec.errors(json)).as(file.toString()).isEmpty();
            ReleaseManifest m = ManifestCodec.parse(json);
            JsonNode original = ManifestCodec.mapper().readTree(json);
            assertThat(ManifestCodec.mapper().readTree(ManifestCodec.toJson(m))).as(file.toString())
                    .isEqualTo(original);
        }
    }

    @Test
    void releaseExampleMapsToTheRecords() throws IOException {
        ReleaseManifest m = ManifestCodec.read(EXAMPLES.resolve("valid/release-1.4.0.json"));
        assertThat(m.semVer()).isEqualTo(SemVer.parse("1.4.0"));
        assertThat(m.patchFor(Arch.X86_64).orElseThrow().operations().deleteDirectories())
                .containsExactly("plugins/old-login");
        assertThat(m.patchFor(Arch.X86_64).orElseThrow().fromRange().contains(SemVer.parse("1.3.1"))).isTrue();
        assertThat(m.fullFor(Arch.AARCH64).orElseThrow().url()).startsWith("s3://");
    }

    @Test
    void everyInvalidExampleIsRefusedWithItsExpectedError() throws IOException {
        JsonNode expected = ManifestCodec.mapper().readTree(EXAMPLES.resolve("invalid/expected.json").toFile());
        List<Path> invalid = list(EXAMPLES.resolve("invalid")).stream()
                .filter(p -> !p.getFileName().toString().equals("expected.json"))
                .toList();
        assertThat(invalid).hasSize(expected.size());
        for (Path file : invalid) {
            String name = file.getFileName().toString();
            assertThat(expected.has(name)).as(name + " in expected.json").isTrue();
            String json = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(String.join("\n", ManifestCodec.errors(json))).as(name)
                    .contains(expected.get(name).asText());
            assertThatThrownBy(() -> ManifestCodec.parse(json)).as(name)
                    .isInstanceOfSatisfying(PackageRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(PackageRefusedException.Reason.INVALID_MANIFEST));
        }
    }

    @Test
    void writingAnInvalidManifestFailsInsteadOfProducingABadFile(@TempDir Path dir) {
        ReleaseManifest noPackages = new ReleaseManifest("1.0.0", java.time.LocalDate.of(2026, 1, 1), null, null, null);
        assertThatThrownBy(() -> ManifestCodec.write(dir.resolve("m.json"), noPackages))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.resolve("m.json")).doesNotExist();
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
