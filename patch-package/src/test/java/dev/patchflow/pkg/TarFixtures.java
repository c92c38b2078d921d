package dev.patchflow.pkg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/** Builds tar.gz archives entry by entry, including ones no honest tool would write. */
public final class TarFixtures {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    public TarFixtures() {
        this(6);
    }

    /** With a gzip level: 1 builds the large hostile archives several times faster. */
    public TarFixtures(int compressionLevel) {
        try {
            GzipParameters params = new GzipParameters();
            params.setCompressionLevel(compressionLevel);
            tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes, params));
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TarFixtures file(String name, String content) {
        return file(name, content, 0644);
    }

    public TarFixtures file(String name, String content, int mode) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true); // keep absolute names as they are
        e.setSize(data.length);
        e.setMode(0100000 | mode);
        return put(e, data);
    }

    /** A file entry whose header claims {@code size} bytes of zeros (compresses to almost nothing). */
    public TarFixtures zeros(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(size);
        try {
            tar.putArchiveEntry(e);
            byte[] buf = new byte[1 << 16];
            for (long left = size; left > 0; left -= Math.min(left, buf.length)) {
                tar.write(buf, 0, (int) Math.min(left, buf.length));
            }
            tar.closeArchiveEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    public TarFixtures dir(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
        e.setMode(040755);
        return put(e, null);
    }

    public TarFixtures symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        return put(e, null);
    }

    public TarFixtures hardLink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        e.setLinkName(target);
        return put(e, null);
    }

    public TarFixtures special(String name, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        return put(e, null);
    }

    private TarFixtures put(TarArchiveEntry e, byte[] data) {
        try {
            tar.putArchiveEntry(e);
            if (data != null) {
                tar.write(data);
            }
            tar.closeArchiveEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    public byte[] build() {
        try {
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
