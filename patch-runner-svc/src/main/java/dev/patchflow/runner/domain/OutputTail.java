package dev.patchflow.runner.domain;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The last lines of an executor's output, read from the end so that a huge log costs no more than a small one. */
public final class OutputTail {

    /** Enough for 20 long lines; a tail longer than this is cut at a line start. */
    private static final int MAX_BYTES = 64 * 1024;

    private OutputTail() {
    }

    public static String lastLines(Path file, int lines) {
        if (file == null || lines <= 0 || !Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int size = (int) Math.min(length, MAX_BYTES);
            byte[] bytes = new byte[size];
            raf.seek(length - size);
            raf.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<String> all = new ArrayList<>(List.of(text.split("\\r?\\n", -1)));
            if (size < length && !all.isEmpty()) {
                all.remove(0); // a partial first line
            }
            while (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
                all.remove(all.size() - 1);
            }
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
