package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.manifest.ManifestCodec;

/** JSON lines, appended and fsync'd one by one. A torn last line (killed mid-write) is ignored on read. */
final class Journal implements AutoCloseable {

    private static final ObjectMapper MAPPER = ManifestCodec.mapper().copy()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    private final FileChannel channel;

    private Journal(FileChannel channel) {
        this.channel = channel;
    }

    /** Creates a new journal (fails if one exists) and makes its name durable. */
    static Journal create(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        Fs.fsyncDirectory(file.getParent());
        return new Journal(ch);
    }

    /** Appends and makes durable. */
    void append(JournalEntry entry) throws IOException {
        write(entry);
        sync();
    }

    /** Appends without waiting for the device; {@link #sync} before acting on the line. */
    void write(JournalEntry entry) throws IOException {
        byte[] line = (MAPPER.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    void sync() throws IOException {
        channel.force(false); // fdatasync: content and size, which is all a reader needs
    }

    static List<JournalEntry> read(Path file) throws IOException {
        List<JournalEntry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(MAPPER.readValue(line, JournalEntry.class));
            } catch (JsonProcessingException e) {
                break; // torn write: that step's intent never became durable, so it never started
            }
        }
        return entries;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
