package dev.patchflow.backup.domain;

/**
 * What an archive is, byte for byte: its hex SHA-256 and its size, computed while it was written.
 *
 * @param entries number of tar entries (files, folders and links), for logs and tests
 */
public record ArchiveDigest(String sha256, long sizeBytes, int entries) {
}
