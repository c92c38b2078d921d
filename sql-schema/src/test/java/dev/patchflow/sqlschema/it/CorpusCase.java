package dev.patchflow.sqlschema.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.patchflow.sqlschema.plan.Destructive;
import dev.patchflow.sqlschema.plan.Guard;

/**
 * One corpus case file ({@code src/test/resources/corpus/NN-name.sql}): header comments, then the sections
 * {@code -- @@ current}, {@code -- @@ desired}, {@code -- @@ plan}.
 * <ul>
 * <li>{@code -- case: <what it shows>}</li>
 * <li>{@code -- destructive: drop-column, narrow-type}: the kinds the guard must refuse without allowances (and
 * the plan runs with exactly them allowed); absent: the plan is safe</li>
 * <li>{@code -- data: <sql>}: statements run after the current schema (rows for NULL checks)</li>
 * </ul>
 */
record CorpusCase(Path file, String title, Set<Destructive> destructive, List<String> data, String current,
        String desired, String plan) {

    static CorpusCase read(Path file) throws IOException {
        String title = file.getFileName().toString();
        Set<Destructive> destructive = EnumSet.noneOf(Destructive.class);
        List<String> data = new ArrayList<>();
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        StringBuilder section = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("-- @@ ")) {
                section = new StringBuilder();
                sections.put(line.substring("-- @@ ".length()).trim(), section);
            } else if (section == null && line.startsWith("-- case:")) {
                title = line.substring("-- case:".length()).trim();
            } else if (section == null && line.startsWith("-- destructive:")) {
                destructive.addAll(Guard.parseAllowances(line.substring("-- destructive:".length())));
            } else if (section == null && line.startsWith("-- data:")) {
                data.add(line.substring("-- data:".length()).trim());
            } else if (section != null) {
                section.append(line).append('\n');
            }
        }
        for (String required : List.of("current", "desired", "plan")) {
            if (!sections.containsKey(required)) {
                throw new IOException(file + " has no '-- @@ " + required + "' section");
            }
        }
        return new CorpusCase(file, title, destructive, data, sections.get("current").toString(),
                sections.get("desired").toString(), sections.get("plan").toString().strip());
    }

    /** The file with its plan section replaced (to record a reviewed plan: -Dcorpus.record=true). */
    void writePlan(String newPlan) throws IOException {
        String text = Files.readString(file);
        int at = text.indexOf("-- @@ plan");
        Files.writeString(file, text.substring(0, at) + "-- @@ plan\n" + newPlan.strip() + "\n");
    }
}
