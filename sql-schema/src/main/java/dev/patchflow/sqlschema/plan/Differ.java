package dev.patchflow.sqlschema.plan;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.patchflow.sqlschema.model.Column;
import dev.patchflow.sqlschema.model.ColumnType;
import dev.patchflow.sqlschema.model.DefaultValue;
import dev.patchflow.sqlschema.model.ForeignKey;
import dev.patchflow.sqlschema.model.Index;
import dev.patchflow.sqlschema.model.IndexKind;
import dev.patchflow.sqlschema.model.IndexPart;
import dev.patchflow.sqlschema.model.Schema;
import dev.patchflow.sqlschema.model.Table;
import dev.patchflow.sqlschema.model.TableOptions;
import dev.patchflow.sqlschema.parse.Renames;

/**
 * Diffs a desired schema against the current one (both normalized alike) into an ordered {@link Plan}:
 * <ol>
 * <li>explicit table renames ({@code RENAME TABLE});</li>
 * <li>foreign keys that go away, change, or stand on a column whose type changes: dropped first, so that nothing
 * they need is in the way;</li>
 * <li>one {@code ALTER TABLE} per existing table (indexes dropped, columns dropped / renamed / changed / added in
 * their positions, indexes added, options), preceded by an {@code UPDATE} that fills NULLs where a column becomes
 * {@code NOT NULL} and may hold some; a second FULLTEXT index in one table gets an ALTER of its own (InnoDB builds
 * one at a time);</li>
 * <li>new tables, each after the tables its foreign keys name;</li>
 * <li>foreign keys added, once every table and column they name exists;</li>
 * <li>tables dropped.</li>
 * </ol>
 * Every statement carries the states of the tables it touches before and after it, computed on the model, and the
 * last state must equal the desired schema (checked here: a plan that would not reach it is a bug, not a plan).
 */
public final class Differ {

    /** Facts about the data that decide whether a change is destructive (e.g. NULLs in a column). */
    public interface DataProbe {

        /** Whether {@code table.column} holds NULLs; empty when it cannot be known (no server). */
        Optional<Boolean> hasNulls(String table, String column);

        DataProbe UNKNOWN = (table, column) -> Optional.empty();
    }

    private final DataProbe probe;

    public Differ(DataProbe probe) {
        this.probe = probe;
    }

    public Differ() {
        this(DataProbe.UNKNOWN);
    }

    public Plan diff(Schema current, Schema desired, Renames renames) {
        return new Run(current, desired, renames == null ? Renames.NONE : renames).plan();
    }

    private final class Run {

        private final Schema desired;
        private final Renames renames;
        private final Map<String, Table> working;
        private final List<PlannedStatement> statements = new ArrayList<>();

        Run(Schema current, Schema desired, Renames renames) {
            this.desired = desired;
            this.renames = renames;
            this.working = new TreeMap<>(current.tables());
        }

        Plan plan() {
            renameTables();
            Set<String> common = new LinkedHashSet<>();
            Set<String> created = new LinkedHashSet<>();
            for (String name : desired.tables().keySet()) {
                (working.containsKey(name) ? common : created).add(name);
            }
            List<String> dropped = working.keySet().stream().filter(name -> !desired.tables().containsKey(name))
                    .toList();

            Map<String, TablePlan> plans = new LinkedHashMap<>();
            for (String name : common) {
                plans.put(name, new TablePlan(working.get(name), desired.tables().get(name),
                        renames.columnsOf(name)));
            }
            // Foreign keys on (or to) a column whose type changes cannot stay while it changes.
            Map<String, Set<String>> retyped = new TreeMap<>();
            plans.forEach((name, plan) -> retyped.put(name, plan.retypedColumns()));

            // 1. foreign keys out of the way
            for (String name : working.keySet()) {
                Table table = working.get(name);
                List<ForeignKey> drop = new ArrayList<>();
                for (ForeignKey key : table.foreignKeys()) {
                    boolean stays = plans.containsKey(name) && plans.get(name).keepsForeignKey(key);
                    boolean onRetyped = key.columns().stream().anyMatch(
                            column -> retyped.getOrDefault(name, Set.of()).contains(lower(column)))
                            || key.referencedColumns().stream().anyMatch(column -> retyped
                                    .getOrDefault(key.referencedTable(), Set.of()).contains(lower(column)));
                    boolean toDroppedTable = dropped.contains(name) && dropped.contains(key.referencedTable())
                            && !key.referencedTable().equals(name);
                    if (plans.containsKey(name) && (!stays || onRetyped) || toDroppedTable) {
                        drop.add(key);
                    }
                }
                if (drop.isEmpty()) {
                    continue;
                }
                List<ForeignKey> kept = new ArrayList<>(table.foreignKeys());
                kept.removeAll(drop);
                List<Change> changes = drop.stream()
                        .map(key -> Change.safe("drop foreign key " + SqlWriter.ident(key.name()) + " of "
                                + SqlWriter.ident(name)
                                + (plans.containsKey(name) && plans.get(name).keepsForeignKey(key)
                                        ? " (added back once its columns changed)"
                                        : "")))
                        .toList();
                emit("ALTER TABLE " + SqlWriter.ident(name) + "\n  " + String.join(",\n  ",
                        drop.stream().map(key -> "DROP FOREIGN KEY " + SqlWriter.ident(key.name())).toList()),
                        changes, Map.of(name, Optional.of(table.withForeignKeys(kept))), false);
            }

            // 2. one ALTER per existing table
            for (Map.Entry<String, TablePlan> entry : plans.entrySet()) {
                entry.getValue().emitAlter(working.get(entry.getKey()));
            }

            // 3. new tables, referenced ones first
            List<String> order = creationOrder(created);
            Map<String, List<ForeignKey>> deferred = new LinkedHashMap<>();
            for (String name : order) {
                Table table = desired.tables().get(name);
                List<ForeignKey> inline = new ArrayList<>();
                List<ForeignKey> later = new ArrayList<>();
                for (ForeignKey key : table.foreignKeys()) {
                    (key.referencedTable().equals(name) || working.containsKey(key.referencedTable()) ? inline : later)
                            .add(key);
                }
                if (!later.isEmpty()) {
                    deferred.put(name, later);
                }
                emit(SqlWriter.createTable(table, inline),
                        List.of(Change.safe("create table " + SqlWriter.ident(name))),
                        Map.of(name, Optional.of(table.withForeignKeys(inline))), false);
            }

            // 4. foreign keys added
            for (String name : desired.tables().keySet()) {
                Table now = working.get(name);
                Table wanted = desired.tables().get(name);
                List<ForeignKey> add = wanted.foreignKeys().stream()
                        .filter(key -> now.foreignKey(key.name()).map(existing -> !existing.equals(key)).orElse(true))
                        .toList();
                if (add.isEmpty()) {
                    continue;
                }
                List<ForeignKey> all = new ArrayList<>(now.foreignKeys());
                all.removeIf(existing -> add.stream().anyMatch(key -> key.name().equalsIgnoreCase(existing.name())));
                all.addAll(add);
                emit("ALTER TABLE " + SqlWriter.ident(name) + "\n  "
                        + String.join(",\n  ", add.stream().map(key -> "ADD " + SqlWriter.foreignKey(key)).toList()),
                        add.stream().map(key -> Change.safe("add foreign key " + SqlWriter.ident(key.name()) + " of "
                                + SqlWriter.ident(name) + " → " + SqlWriter.ident(key.referencedTable()))).toList(),
                        Map.of(name, Optional.of(now.withForeignKeys(all))), false);
            }

            // 5. tables dropped
            for (String name : dropped) {
                emit("DROP TABLE " + SqlWriter.ident(name),
                        List.of(new Change("drop table " + SqlWriter.ident(name), Set.of(Destructive.DROP_TABLE))),
                        Map.of(name, Optional.empty()), false);
            }

            if (!new Schema(working).equals(desired)) {
                throw new IllegalStateException("internal error: the plan does not reach the desired schema; "
                        + "differences remain in " + differingTables(new Schema(working), desired));
            }
            return new Plan(statements);
        }

        private void renameTables() {
            for (Map.Entry<String, String> rename : renames.tables().entrySet()) {
                String to = rename.getKey();
                String from = rename.getValue();
                if (!working.containsKey(from) || working.containsKey(to) || !desired.tables().containsKey(to)) {
                    continue; // already renamed, or nothing to rename: the diff decides
                }
                Map<String, Optional<Table>> states = new LinkedHashMap<>();
                states.put(from, Optional.empty());
                states.put(to, Optional.of(retarget(working.get(from).withName(to), from, to)));
                for (Table other : working.values()) {
                    if (!other.name().equals(from)
                            && other.foreignKeys().stream().anyMatch(key -> key.referencedTable().equals(from))) {
                        states.put(other.name(), Optional.of(retarget(other, from, to)));
                    }
                }
                emit("RENAME TABLE " + SqlWriter.ident(from) + " TO " + SqlWriter.ident(to),
                        List.of(Change.safe("rename table " + SqlWriter.ident(from) + " → " + SqlWriter.ident(to))),
                        states, false);
            }
        }

        /** InnoDB points foreign keys at a renamed table's new name. */
        private static Table retarget(Table table, String from, String to) {
            return table.withForeignKeys(table.foreignKeys().stream()
                    .map(key -> key.referencedTable().equals(from) ? key.withReferencedTable(to) : key).toList());
        }

        private List<String> creationOrder(Set<String> created) {
            List<String> order = new ArrayList<>();
            Set<String> placed = new HashSet<>();
            Set<String> remaining = new LinkedHashSet<>(created);
            while (!remaining.isEmpty()) {
                String next = remaining.stream().filter(name -> desired.tables().get(name).foreignKeys().stream()
                        .map(ForeignKey::referencedTable)
                        .allMatch(ref -> ref.equals(name) || !created.contains(ref) || placed.contains(ref)))
                        .findFirst().orElse(remaining.iterator().next()); // a cycle: its keys are added later
                order.add(next);
                placed.add(next);
                remaining.remove(next);
            }
            return order;
        }

        private void emit(String sql, List<Change> changes, Map<String, Optional<Table>> newStates,
                boolean rerunnable) {
            List<TableState> before = new ArrayList<>();
            List<TableState> after = new ArrayList<>();
            for (Map.Entry<String, Optional<Table>> state : newStates.entrySet()) {
                before.add(state(state.getKey(), working.get(state.getKey())));
                after.add(state(state.getKey(), state.getValue().orElse(null)));
            }
            newStates.forEach((name, table) -> {
                if (table.isPresent()) {
                    working.put(name, table.get());
                } else {
                    working.remove(name);
                }
            });
            statements.add(new PlannedStatement(statements.size() + 1, sql, changes, before, after, rerunnable));
        }

        /** Everything one existing table needs, except its foreign keys. */
        private final class TablePlan {

            private final Table current;
            private final Table wanted;
            /** new name (lower case) → old name, for the renames that apply */
            private final Map<String, String> renamed = new TreeMap<>();

            TablePlan(Table current, Table wanted, Map<String, String> columnRenames) {
                this.current = current;
                this.wanted = wanted;
                columnRenames.forEach((to, from) -> {
                    if (current.column(from).isPresent() && current.column(to).isEmpty()) {
                        renamed.put(lower(to), current.column(from).get().name());
                    }
                });
            }

            Optional<Column> before(Column column) {
                String old = renamed.get(lower(column.name()));
                return old != null ? current.column(old) : current.column(column.name());
            }

            /** Columns (new names, lower case) whose type, character set or nullability changes. */
            Set<String> retypedColumns() {
                Set<String> retyped = new HashSet<>();
                for (Column column : wanted.columns()) {
                    before(column).ifPresent(old -> {
                        if (!old.type().equals(column.type()) || !Objects.equals(old.charset(), column.charset())
                                || !Objects.equals(old.collation(), column.collation())
                                || old.nullable() != column.nullable()) {
                            retyped.add(lower(column.name()));
                            retyped.add(lower(old.name()));
                        }
                    });
                }
                return retyped;
            }

            boolean keepsForeignKey(ForeignKey key) {
                ForeignKey renamedKey = new ForeignKey(key.name(), key.columns().stream().map(this::newName).toList(),
                        key.referencedTable(), key.referencedColumns(), key.onDelete(), key.onUpdate());
                return wanted.foreignKey(key.name()).map(k -> equalsIgnoringCase(k, renamedKey)).orElse(false);
            }

            private String newName(String oldColumn) {
                for (Map.Entry<String, String> rename : renamed.entrySet()) {
                    if (rename.getValue().equalsIgnoreCase(oldColumn)) {
                        return wanted.column(rename.getKey()).map(Column::name).orElse(oldColumn);
                    }
                }
                return oldColumn;
            }

            void emitAlter(Table now) {
                // `now` is the table after its foreign keys were dropped.
                List<String> clauses = new ArrayList<>();
                List<Change> changes = new ArrayList<>();
                List<PlannedStatement> fills = new ArrayList<>();

                // indexes that go or change (index columns follow column renames on the server)
                Table renamedCurrent = now.withIndexes(now.indexes().stream()
                        .map(index -> new Index(index.name(), index.kind(), index.parts().stream()
                                .map(part -> new IndexPart(newName(part.column()), part.prefix())).toList(),
                                index.comment()))
                        .toList());
                List<Index> addIndexes = new ArrayList<>();
                List<Change> indexChanges = new ArrayList<>();
                for (Index index : renamedCurrent.indexes()) {
                    Optional<Index> target = wanted.index(index.name());
                    if (target.isEmpty() || !equalsIgnoringCase(target.get(), index)) {
                        clauses.add(SqlWriter.dropIndex(index));
                        boolean primary = index.kind() == IndexKind.PRIMARY;
                        if (target.isEmpty()) {
                            changes.add(new Change(
                                    primary ? "drop the primary key" : "drop index " + SqlWriter.ident(index.name()),
                                    primary ? Set.of(Destructive.CHANGE_PRIMARY_KEY) : Set.of()));
                        }
                    }
                }
                for (Index index : wanted.indexes()) {
                    Optional<Index> existing = renamedCurrent.index(index.name());
                    if (existing.isEmpty() || !equalsIgnoringCase(existing.get(), index)) {
                        addIndexes.add(index);
                        boolean primary = index.kind() == IndexKind.PRIMARY;
                        String what = primary
                                ? "primary key (" + SqlWriter.idents(index.columnNames()) + ")"
                                : "index " + SqlWriter.ident(index.name()) + " ("
                                        + SqlWriter.indexParts(index.parts()) + ")";
                        indexChanges.add(new Change((existing.isEmpty() ? "add " : "change ") + what,
                                primary ? Set.of(Destructive.CHANGE_PRIMARY_KEY) : Set.of()));
                    }
                }

                // columns
                Set<String> matchedOld = new HashSet<>();
                for (Column column : wanted.columns()) {
                    before(column).ifPresent(old -> matchedOld.add(lower(old.name())));
                }
                List<String> base = new ArrayList<>();
                for (Column column : now.columns()) {
                    if (!matchedOld.contains(lower(column.name()))) {
                        clauses.add("DROP COLUMN " + SqlWriter.ident(column.name()));
                        changes.add(new Change("drop column " + SqlWriter.ident(column.name()),
                                Set.of(Destructive.DROP_COLUMN)));
                    } else {
                        base.add(lower(newName(column.name())));
                    }
                }
                // generated columns whose generation changes are dropped and added back (derived data, no loss)
                Set<String> regenerate = new HashSet<>();
                for (Column column : wanted.columns()) {
                    Optional<Column> old = before(column);
                    if (old.isPresent() && (old.get().generated() != null || column.generated() != null)
                            && !Objects.equals(old.get().generated(), column.generated())) {
                        regenerate.add(lower(column.name()));
                        clauses.add("DROP COLUMN " + SqlWriter.ident(old.get().name()));
                        if (old.get().generated() == null) {
                            // a stored value replaced by a computed one: the old values are gone
                            changes.add(new Change("replace column " + SqlWriter.ident(old.get().name())
                                    + " by a generated one", Set.of(Destructive.DROP_COLUMN)));
                        }
                        base.remove(lower(column.name()));
                    }
                }
                List<String> desiredOrder = wanted.columns().stream().map(c -> lower(c.name())).toList();
                Set<String> stay = longestCommonSubsequence(base, desiredOrder);
                for (int i = 0; i < wanted.columns().size(); i++) {
                    Column column = wanted.columns().get(i);
                    String key = lower(column.name());
                    String position = i == 0
                            ? " FIRST"
                            : " AFTER " + SqlWriter.ident(wanted.columns().get(i - 1).name());
                    Optional<Column> old = before(column);
                    if (old.isEmpty() || regenerate.contains(key)) {
                        clauses.add("ADD COLUMN " + SqlWriter.column(column) + position);
                        changes.add(Change.safe((old.isEmpty() ? "add column " : "regenerate column ")
                                + SqlWriter.ident(column.name()) + " " + SqlWriter.type(column.type())));
                        continue;
                    }
                    boolean moved = !stay.contains(key);
                    boolean rename = !old.get().name().equals(column.name());
                    boolean changed = !old.get().withName(column.name()).equals(column);
                    if (!moved && !rename && !changed) {
                        continue;
                    }
                    String head = rename
                            ? "CHANGE COLUMN " + SqlWriter.ident(old.get().name()) + " "
                            : "MODIFY COLUMN ";
                    clauses.add(head + SqlWriter.column(column) + (moved ? position : ""));
                    Set<Destructive> kinds = EnumSet.noneOf(Destructive.class);
                    List<String> what = new ArrayList<>();
                    if (rename) {
                        what.add("rename from " + SqlWriter.ident(old.get().name()));
                    }
                    if (!old.get().type().equals(column.type())) {
                        what.add(SqlWriter.type(old.get().type()) + " → " + SqlWriter.type(column.type()));
                        if (narrows(old.get().type(), column.type())) {
                            kinds.add(Destructive.NARROW_TYPE);
                        }
                    }
                    if (!Objects.equals(old.get().charset(), column.charset())) {
                        what.add("charset " + old.get().charset() + " → " + column.charset());
                        if (old.get().charset() != null && column.charset() != null) {
                            kinds.add(Destructive.CHANGE_CHARSET);
                        }
                    } else if (!Objects.equals(old.get().collation(), column.collation())) {
                        what.add("collation " + old.get().collation() + " → " + column.collation());
                    }
                    if (old.get().nullable() && !column.nullable()) {
                        Optional<Boolean> nulls = probe.hasNulls(current.name(), old.get().name());
                        what.add("NULL → NOT NULL" + (nulls.isEmpty()
                                ? " (destructive if it holds NULLs)"
                                : nulls.get() ? " (it holds NULLs)" : ""));
                        if (nulls.orElse(true)) {
                            kinds.add(Destructive.NULL_TO_NOT_NULL);
                            fills.add(fill(now, old.get(), column));
                        }
                    } else if (!old.get().nullable() && column.nullable()) {
                        what.add("NOT NULL → NULL");
                    }
                    if (!Objects.equals(old.get().defaultValue(), column.defaultValue())
                            || !Objects.equals(old.get().onUpdate(), column.onUpdate())) {
                        what.add("default");
                    }
                    if (old.get().autoIncrement() != column.autoIncrement()) {
                        what.add(column.autoIncrement() ? "add AUTO_INCREMENT" : "remove AUTO_INCREMENT");
                    }
                    if (!old.get().comment().equals(column.comment())) {
                        what.add("comment");
                    }
                    if (moved) {
                        what.add("move" + position.toLowerCase(Locale.ROOT));
                    }
                    changes.add(new Change("change column " + SqlWriter.ident(column.name()) + ": "
                            + String.join(", ", what), kinds));
                }

                // indexes added, a second FULLTEXT in an ALTER of its own
                changes.addAll(indexChanges);
                List<Index> laterFulltext = new ArrayList<>();
                boolean fulltext = false;
                for (Index index : addIndexes) {
                    if (index.kind() == IndexKind.FULLTEXT) {
                        if (fulltext) {
                            laterFulltext.add(index);
                            continue;
                        }
                        fulltext = true;
                    }
                    clauses.add("ADD " + SqlWriter.index(index));
                }

                // table options
                TableOptions from = now.options();
                TableOptions to = wanted.options();
                if (!from.equals(to)) {
                    List<String> options = new ArrayList<>();
                    if (!from.engine().equals(to.engine())) {
                        options.add("ENGINE=" + to.engine());
                        changes.add(new Change("engine " + from.engine() + " → " + to.engine(),
                                Set.of(Destructive.CHANGE_ENGINE)));
                    }
                    if (!from.charset().equals(to.charset()) || !from.collation().equals(to.collation())) {
                        options.add("DEFAULT CHARSET=" + to.charset() + " COLLATE=" + to.collation());
                        changes.add(new Change("default charset " + from.charset() + "/" + from.collation() + " → "
                                + to.charset() + "/" + to.collation(),
                                from.charset().equals(to.charset()) ? Set.of() : Set.of(Destructive.CHANGE_CHARSET)));
                    }
                    if (!Objects.equals(from.rowFormat(), to.rowFormat())) {
                        options.add("ROW_FORMAT=" + (to.rowFormat() == null ? "DEFAULT" : to.rowFormat()));
                        changes.add(Change.safe("row format " + Objects.toString(from.rowFormat(), "default") + " → "
                                + Objects.toString(to.rowFormat(), "default")));
                    }
                    if (!from.comment().equals(to.comment())) {
                        options.add("COMMENT=" + SqlWriter.string(to.comment()));
                        changes.add(Change.safe("table comment"));
                    }
                    clauses.add(String.join(" ", options));
                }

                if (clauses.isEmpty()) {
                    return;
                }
                for (PlannedStatement fill : fills) {
                    emit(fill.sql(), fill.changes(), Map.of(now.name(), Optional.of(working.get(now.name()))), true);
                }
                // The foreign keys still there are the kept ones, which the server renamed with their columns.
                Table afterMain = wanted.withForeignKeys(wanted.foreignKeys().stream()
                        .filter(key -> now.foreignKey(key.name()).isPresent()).toList());
                List<Index> firstIndexes = new ArrayList<>(afterMain.indexes());
                firstIndexes.removeAll(laterFulltext);
                emit("ALTER TABLE " + SqlWriter.ident(now.name()) + "\n  " + String.join(",\n  ", clauses), changes,
                        Map.of(now.name(), Optional.of(afterMain.withIndexes(firstIndexes))), false);
                for (Index index : laterFulltext) {
                    firstIndexes.add(index);
                    emit("ALTER TABLE " + SqlWriter.ident(now.name()) + "\n  ADD " + SqlWriter.index(index),
                            List.of(Change.safe("add index " + SqlWriter.ident(index.name()) + " (InnoDB builds one "
                                    + "FULLTEXT index per statement)")),
                            Map.of(now.name(), Optional.of(afterMain.withIndexes(firstIndexes))), false);
                }
            }

            /** {@code UPDATE t SET c = <new default or zero> WHERE c IS NULL}: what NOT NULL would refuse. */
            private PlannedStatement fill(Table table, Column old, Column column) {
                String value;
                DefaultValue wantedDefault = column.defaultValue();
                if (wantedDefault != null && wantedDefault.kind() != DefaultValue.Kind.NULL) {
                    value = SqlWriter.defaultValue(wantedDefault, column.type());
                } else if (column.type().isNumeric() || column.type().name().equals("bit")) {
                    value = "0";
                } else if (column.type().isString() || column.type().name().contains("binary")
                        || column.type().name().contains("blob")) {
                    value = column.type().hasValues() ? SqlWriter.string(column.type().args().get(0)) : "''";
                } else {
                    throw new IllegalArgumentException("column " + SqlWriter.ident(table.name()) + "."
                            + SqlWriter.ident(column.name()) + " becomes NOT NULL without a DEFAULT: give it one, "
                            + "so that its NULLs have a value to become");
                }
                String sql = "UPDATE " + SqlWriter.ident(table.name()) + " SET " + SqlWriter.ident(old.name()) + " = "
                        + value + " WHERE " + SqlWriter.ident(old.name()) + " IS NULL";
                return new PlannedStatement(0, sql,
                        List.of(new Change("fill the NULLs of " + SqlWriter.ident(old.name()) + " with " + value
                                + " before it becomes NOT NULL", Set.of(Destructive.NULL_TO_NOT_NULL))),
                        List.of(), List.of(), true);
            }
        }
    }

    private static String state(Table table) {
        return table == null ? null : SqlWriter.canonical(table);
    }

    private static TableState state(String name, Table table) {
        return new TableState(name, state(table));
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static boolean equalsIgnoringCase(Index a, Index b) {
        return a.kind() == b.kind() && a.comment().equals(b.comment()) && a.parts().size() == b.parts().size()
                && sameParts(a.parts(), b.parts());
    }

    private static boolean sameParts(List<IndexPart> a, List<IndexPart> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).column().equalsIgnoreCase(b.get(i).column())
                    || !Objects.equals(a.get(i).prefix(), b.get(i).prefix())) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalsIgnoringCase(ForeignKey a, ForeignKey b) {
        return a.referencedTable().equals(b.referencedTable()) && a.onDelete().equals(b.onDelete())
                && a.onUpdate().equals(b.onUpdate()) && lowerAll(a.columns()).equals(lowerAll(b.columns()))
                && lowerAll(a.referencedColumns()).equals(lowerAll(b.referencedColumns()));
    }

    private static List<String> lowerAll(List<String> names) {
        return names.stream().map(Differ::lower).toList();
    }

    private static Set<String> longestCommonSubsequence(List<String> a, List<String> b) {
        int[][] length = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                length[i][j] = a.get(i).equals(b.get(j))
                        ? length[i + 1][j + 1] + 1
                        : Math.max(length[i + 1][j], length[i][j + 1]);
            }
        }
        Set<String> common = new HashSet<>();
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            if (a.get(i).equals(b.get(j))) {
                common.add(a.get(i));
                i++;
                j++;
            } else if (length[i + 1][j] >= length[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return common;
    }

    private static String differingTables(Schema a, Schema b) {
        Set<String> names = new LinkedHashSet<>(a.tables().keySet());
        names.addAll(b.tables().keySet());
        return names.stream().filter(name -> !Objects.equals(a.tables().get(name), b.tables().get(name))).toList()
                .toString();
    }

    /**
     * Whether {@code to} may not hold every value of {@code from}: a smaller integer range, a shorter length, less
     * precision or scale, fewer fractional seconds, a smaller text or blob, enum/set values removed, or any change of
     * type family that is not a known widening.
     */
    static boolean narrows(ColumnType from, ColumnType to) {
        if (from.equals(to)) {
            return false;
        }
        String a = from.name();
        String b = to.name();
        if (from.isInteger() && to.isInteger()) {
            return !covers(range(to), range(from));
        }
        if (from.isInteger() && b.equals("decimal")) {
            int digits = range(from)[1].toString().length();
            return Integer.parseInt(to.args().get(0)) - Integer.parseInt(to.args().get(1)) < digits || to.unsigned()
                    && !from.unsigned();
        }
        if (a.equals("decimal") && b.equals("decimal")) {
            int p1 = Integer.parseInt(from.args().get(0));
            int s1 = Integer.parseInt(from.args().get(1));
            int p2 = Integer.parseInt(to.args().get(0));
            int s2 = Integer.parseInt(to.args().get(1));
            return p2 - s2 < p1 - s1 || s2 < s1 || to.unsigned() && !from.unsigned();
        }
        if (a.equals("float") && b.equals("double")) {
            return to.unsigned() && !from.unsigned();
        }
        if (a.equals(b) && (a.equals("float") || a.equals("double"))) {
            return !from.args().isEmpty() || to.unsigned() && !from.unsigned();
        }
        Set<String> chars = Set.of("char", "varchar");
        Set<String> bytes = Set.of("binary", "varbinary");
        if (chars.contains(a) && chars.contains(b) || bytes.contains(a) && bytes.contains(b)
                || a.equals(b) && (a.equals("bit"))) {
            return to.length() < from.length();
        }
        if (a.equals(b) && Set.of("time", "datetime", "timestamp").contains(a)) {
            return fsp(to) < fsp(from);
        }
        if (a.equals("date") && b.equals("datetime")) {
            return false;
        }
        if (from.hasValues() && a.equals(b)) {
            return !to.args().containsAll(from.args());
        }
        int textFrom = ColumnType.TEXTS.indexOf(a);
        int textTo = ColumnType.TEXTS.indexOf(b);
        if (textFrom >= 0 && textTo >= 0) {
            return textTo < textFrom;
        }
        int blobFrom = ColumnType.BLOBS.indexOf(a);
        int blobTo = ColumnType.BLOBS.indexOf(b);
        if (blobFrom >= 0 && blobTo >= 0) {
            return blobTo < blobFrom;
        }
        if (chars.contains(a) && textTo > 0) {
            return false; // TEXT and larger hold any VARCHAR
        }
        if (bytes.contains(a) && blobTo > 0) {
            return false;
        }
        return true;
    }

    private static int fsp(ColumnType type) {
        return type.args().isEmpty() ? 0 : Integer.parseInt(type.args().get(0));
    }

    private static BigInteger[] range(ColumnType type) {
        int bits = switch (type.name()) {
            case "tinyint" -> 8;
            case "smallint" -> 16;
            case "mediumint" -> 24;
            case "int" -> 32;
            default -> 64;
        };
        if (type.unsigned()) {
            return new BigInteger[]{BigInteger.ZERO, BigInteger.TWO.pow(bits).subtract(BigInteger.ONE)};
        }
        return new BigInteger[]{BigInteger.TWO.pow(bits - 1).negate(),
                BigInteger.TWO.pow(bits - 1).subtract(BigInteger.ONE)};
    }

    private static boolean covers(BigInteger[] outer, BigInteger[] inner) {
        return outer[0].compareTo(inner[0]) <= 0 && outer[1].compareTo(inner[1]) >= 0;
    }
}
