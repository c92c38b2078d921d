package dev.patchflow.backup.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class TreeArchiverTest {

    @TempDir
    Path temp;

    Path install;
    Path outside;

    private final TreeArchiver archiver = new TreeArchiver();

    @BeforeEach
    void buildInstall() throws IOException {
        install = Files.createDirectories(temp.resolve("app-01"));
        outside = Files.createDirectories(temp.resolve("elsewhere"));
        Files.writeString(outside.resolve("secret.txt"), "not part of the install");

        Files.writeString(install.resolve("VERSION"), "1.0.0\n");
        Files.createDirectories(install.resolve("bin"));
        Files.writeString(install.resolve("bin/health.sh"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(install.resolve("bin/health.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createDirectories(install.resolve("conf/deep/er"));
        Files.write(install.resolve("conf/deep/er/blob.bin"), randomBytes(300_000));
        Files.setPosixFilePermissions(install.resolve("conf"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(install.resolve("conf/app.properties"), "port=8080\n");
        Files.setPosixFilePermissions(install.resolve("conf/app.properties"),
                PosixFilePermissions.fromString("rw-r-----"));
        Files.createDirectories(install.resolve("empty"));
        Files.createSymbolicLink(install.resolve("current"), Path.of("bin"));
        Files.createSymbolicLink(install.resolve("escape"), outside);
        Files.createSymbolicLink(install.resolve("dangling"), Path.of("no/such/file"));
    }

    @Test
    void extractingTheArchiveGivesBackTheTreeWithItsModesAndContents() throws Exception {
        Path archive = temp.resolve("app-01.tar.gz");

        archiver.archive(install, archive);

        Map<String, Extracted> entries = extract(archive);
        assertThat(entries).containsOnlyKeys("VERSION", "bin/", "bin/health.sh", "conf/", "conf/app.properties",
                "conf/deep/", "conf/deep/er/", "conf/deep/er/blob.bin", "empty/", "current", "escape", "dangling");
        assertThat(entries.get("VERSION").content()).isEqualTo("1.0.0\n".getBytes(StandardCharsets.UTF_8));
        assertThat(entries.get("conf/deep/er/blob.bin").content())
                .isEqualTo(Files.readAllBytes(install.resolve("conf/deep/er/blob.bin")));
        assertThat(entries.get("bin/health.sh").mode() & 07777).isEqualTo(0750);
        assertThat(entries.get("conf/app.properties").mode() & 07777).isEqualTo(0640);
        assertThat(entries.get("conf/").mode() & 07777).isEqualTo(0700);
        assertThat(entries.get("conf/").directory()).isTrue();
        assertThat(entries.get("empty/").directory()).isTrue();
        assertThat(entries.get("VERSION").modTime())
                .isEqualTo(Files.getLastModifiedTime(install.resolve("VERSION")).toMillis() / 1000);
    }

    @Test
    void symlinksAreStoredAsLinksAndNeverFollowedOutOfTheFolder() throws Exception {
        Path archive = temp.resolve("app-01.tar.gz");

        archiver.archive(install, archive);

        Map<String, Extracted> entries = extract(archive);
        assertThat(entries.get("current").linkName()).isEqualTo("bin");
        assertThat(entries.get("escape").linkName()).isEqualTo(outside.toString());
        assertThat(entries.get("dangling").linkName()).isEqualTo("no/such/file");
        assertThat(entries.get("escape").content()).isEmpty();
        assertThat(entries.keySet()).noneMatch(name -> name.contains("secret.txt"));
        assertThat(entries.values()).noneMatch(
                e -> new String(e.content(), StandardCharsets.UTF_8).contains("not part of the install"));
    }

    @Test
    void theDigestIsTheSha256AndSizeOfTheBytesWritten() throws Exception {
        Path archive = temp.resolve("app-01.tar.gz");

        ArchiveDigest digest = archiver.archive(install, archive);

        byte[] written = Files.readAllBytes(archive);
        assertThat(digest.sizeBytes()).isEqualTo(written.length);
        assertThat(digest.sha256())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written)));
        assertThat(digest.entries()).isEqualTo(12);
    }

    @Test
    void streamingToACallersSinkLeavesItOpenAndWritesTheSameArchive() throws Exception {
        Path archive = temp.resolve("app-01.tar.gz");
        ArchiveDigest toFile = archiver.archive(install, archive);
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {

            @Override
            public void close() {
                throw new AssertionError("the caller's stream must stay open");
            }
        };

        ArchiveDigest toSink = archiver.archive(install, sink);

        assertThat(toSink.sizeBytes()).isEqualTo(sink.size());
        assertThat(extract(sink.toByteArray()).keySet()).isEqualTo(extract(archive).keySet());
        assertThat(toSink.entries()).isEqualTo(toFile.entries());
    }

    @Test
    void aMissingInstallFolderIsAFailureThatNamesTheFolder() {
        Path missing = temp.resolve("app-99");

        assertThatThrownBy(() -> archiver.archive(missing, temp.resolve("x.tar.gz")))
                .isInstanceOf(BackupFailureException.class)
                .hasMessage("install folder " + missing + " does not exist");
    }

    @Test
    void aFileInsteadOfAnInstallFolderIsAFailure() {
        assertThatThrownBy(() -> archiver.archive(install.resolve("VERSION"), temp.resolve("x.tar.gz")))
                .isInstanceOf(BackupFailureException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void anInstallFolderReachedThroughASymlinkIsArchivedItself() throws Exception {
        Path link = Files.createSymbolicLink(temp.resolve("app-link"), install);

        archiver.archive(link, temp.resolve("x.tar.gz"));

        assertThat(extract(temp.resolve("x.tar.gz"))).containsKey("VERSION");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    public record Extracted(boolean directory, int mode, String linkName, byte[] content, long modTime) {
    }

    public static Map<String, Extracted> extract(Path archive) throws IOException {
        return extract(Files.readAllBytes(archive));
    }

    public static Map<String, Extracted> extract(byte[] archive) throws IOException {
        Map<String, Extracted> entries = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new java.io.ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                byte[] content = tar.readAllBytes();
                entries.put(entry.getName(), new Extracted(entry.isDirectory(), entry.getMode(),
                        entry.isSymbolicLink() ? entry.getLinkName() : null, content,
                        entry.getLastModifiedTime().toMillis() / 1000));
            }
        }
        return entries;
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new java.util.Random(42).nextBytes(bytes);
        return bytes;
    }
}
