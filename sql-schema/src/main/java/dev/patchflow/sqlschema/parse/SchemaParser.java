package dev.patchflow.sqlschema.parse;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.patchflow.sqlschema.model.Column;
import dev.patchflow.sqlschema.model.ColumnType;
import dev.patchflow.sqlschema.model.DefaultValue;
import dev.patchflow.sqlschema.model.ForeignKey;
import dev.patchflow.sqlschema.model.Generated;
import dev.patchflow.sqlschema.model.Index;
import dev.patchflow.sqlschema.model.IndexKind;
import dev.patchflow.sqlschema.model.IndexPart;
import dev.patchflow.sqlschema.model.Schema;
import dev.patchflow.sqlschema.model.Table;
import dev.patchflow.sqlschema.model.TableOptions;

import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CheckConstraint;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.ForeignKeyIndex;

/**
 * Reads a schema written as MySQL/MariaDB DDL: {@code CREATE TABLE} and {@code CREATE INDEX} statements, parsed by
 * JSqlParser (its MySQL grammar). Anything else (an {@code INSERT}, a {@code DROP TABLE}, a view, a {@code CHECK}
 * constraint, a partitioned table) is refused by name with its place in the file, never skipped: a desired schema
 * must say everything it means.
 * <p>
 * Renames are explicit: a comment {@code @renamed from=<old name>} on a column's line (or the line before it) or
 * before a {@code CREATE TABLE} renames instead of dropping and adding (the syntax sqldef uses).
 */
public final class SchemaParser {

    private static final Set<String> INDEX_WORDS = Set.of("PRIMARY", "KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL",
            "CONSTRAINT", "FOREIGN", "CHECK", "PERIOD");
    private static final Map<String, String> TYPE_ALIASES = Map.ofEntries(Map.entry("integer", "int"),
            Map.entry("int1", "tinyint"), Map.entry("int2", "smallint"), Map.entry("int3", "mediumint"),
            Map.entry("int4", "int"), Map.entry("int8", "bigint"), Map.entry("middleint", "mediumint"),
            Map.entry("dec", "decimal"), Map.entry("numeric", "decimal"), Map.entry("fixed", "decimal"),
            Map.entry("real", "double"), Map.entry("double precision", "double"), Map.entry("bool", "tinyint"),
            Map.entry("boolean", "tinyint"), Map.entry("character", "char"), Map.entry("character varying", "varchar"),
            Map.entry("long varchar", "mediumtext"), Map.entry("long", "mediumtext"),
            Map.entry("long varbinary", "mediumblob"));
    private static final Set<String> KNOWN_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "bigint",
            "decimal", "float", "double", "bit", "char", "varchar", "binary", "varbinary", "tinytext", "text",
            "mediumtext", "longtext", "tinyblob", "blob", "mediumblob", "longblob", "enum", "set", "date", "time",
            "datetime", "timestamp", "year");

    /**
     * Parses {@code text}; {@code source} names it in errors (a file name, or the server and table it was read from).
     */
    public ParsedSchema parse(String source, String text) throws SchemaParseException {
        List<Token> tokens = Lexer.tokens(source, text);
        Map<String, Table> tables = new LinkedHashMap<>();
        Map<String, String> tableRenames = new TreeMap<>();
        Map<String, Map<String, String>> columnRenames = new TreeMap<>();
        for (List<Token> statement : statements(tokens)) {
            Token first = statement.get(0);
            String kind = kindOf(statement);
            if (kind.equals("CREATE TABLE")) {
                Statement parsed = parseStatement(source, text, statement, "CREATE TABLE");
                StatementItems items = new StatementItems(statement, tokens);
                Table table = toTable(source, (CreateTable) parsed, items);
                if (tables.putIfAbsent(table.name(), table) != null) {
                    throw new SchemaParseException(source, first.beginLine, first.beginColumn, table.name(),
                            "table `" + table.name() + "` is defined twice");
                }
                items.tableRename().ifPresent(old -> tableRenames.put(table.name(), old));
                Map<String, String> columns = new TreeMap<>();
                for (Column column : table.columns()) {
                    items.columnRename(column.name()).ifPresent(old -> columns.put(column.name(), old));
                }
                if (!columns.isEmpty()) {
                    columnRenames.put(table.name(), columns);
                }
            } else if (kind.equals("CREATE INDEX")) {
                CreateIndex create = (CreateIndex) parseStatement(source, text, statement, "CREATE INDEX");
                String tableName = tableName(source, first, create.getTable());
                Table table = tables.get(tableName);
                if (table == null) {
                    throw new SchemaParseException(source, first.beginLine, first.beginColumn, tableName,
                            "CREATE INDEX on `" + tableName + "`, which no CREATE TABLE before it defines");
                }
                Index index = toIndex(source, first, tableName, create.getIndex(), create.getTailParameters());
                if (table.index(index.name()).isPresent()) {
                    throw new SchemaParseException(source, first.beginLine, first.beginColumn, index.name(),
                            "index `" + index.name() + "` of `" + tableName + "` is defined twice");
                }
                List<Index> indexes = new ArrayList<>(table.indexes());
                indexes.add(index);
                tables.put(tableName, table.withIndexes(indexes));
            } else {
                throw new SchemaParseException(source, first.beginLine, first.beginColumn, first.image,
                        kind + " is not part of a schema definition: a desired schema holds CREATE TABLE and "
                                + "CREATE INDEX statements only");
            }
        }
        return new ParsedSchema(new Schema(tables), new Renames(tableRenames, columnRenames));
    }

    /** Splits at {@code ;} outside parentheses; empty statements (a lone {@code ;}) are dropped. */
    private static List<List<Token>> statements(List<Token> tokens) {
        List<List<Token>> statements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (Token token : tokens) {
            if (token.image.equals("(")) {
                depth++;
            } else if (token.image.equals(")")) {
                depth--;
            }
            if (token.image.equals(";") && depth <= 0) {
                if (!current.isEmpty()) {
                    statements.add(current);
                }
                current = new ArrayList<>();
                depth = 0;
            } else {
                current.add(token);
            }
        }
        if (!current.isEmpty()) {
            statements.add(current);
        }
        return statements;
    }

    /** The statement's kind as an operator says it: {@code CREATE TABLE}, {@code DROP TABLE}, {@code INSERT}. */
    private static String kindOf(List<Token> statement) {
        String first = statement.get(0).image.toUpperCase(Locale.ROOT);
        if (!Set.of("CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE").contains(first) || statement.size() < 2) {
            return first;
        }
        int i = 1;
        List<String> modifiers = List.of("OR", "REPLACE", "TEMPORARY", "UNIQUE", "FULLTEXT", "SPATIAL", "DEFINER",
                "ALGORITHM", "SQL", "ONLINE", "OFFLINE", "IGNORE");
        while (i < statement.size() - 1 && modifiers.contains(statement.get(i).image.toUpperCase(Locale.ROOT))) {
            i++;
        }
        String second = statement.get(i).image.toUpperCase(Locale.ROOT);
        if (first.equals("CREATE") && statement.get(1).image.equalsIgnoreCase("TEMPORARY")) {
            return "CREATE TEMPORARY " + second;
        }
        return first + " " + second;
    }

    private static Statement parseStatement(String source, String text, List<Token> statement, String kind)
            throws SchemaParseException {
        Token first = statement.get(0);
        Token last = statement.get(statement.size() - 1);
        // Parse the statement alone, but padded so that the parser's line and column are the file's.
        // The lexer counts positions from 1.
        String body = text.substring(first.absoluteBegin - 1, last.absoluteBegin - 1 + last.image.length());
        String padded = " \n".repeat(first.beginLine - 1) + " ".repeat(first.beginColumn - 1)
                + Lexer.withoutBlankLines(body);
        CCJSqlParser parser = CCJSqlParserUtil.newParser(padded);
        try {
            Statement parsed = parser.Statement();
            if (parsed == null) {
                throw new SchemaParseException(source, first.beginLine, first.beginColumn, first.image,
                        "cannot parse " + kind);
            }
            return parsed;
        } catch (ParseException e) {
            Token bad = e.currentToken != null && e.currentToken.next != null ? e.currentToken.next : e.currentToken;
            if (bad == null) {
                throw new SchemaParseException(source, first.beginLine, first.beginColumn, null,
                        "cannot parse " + kind + ": " + e.getMessage());
            }
            String image = bad.kind == 0 ? "end of statement" : bad.image;
            throw new SchemaParseException(source, bad.beginLine, bad.beginColumn, image,
                    "cannot parse " + kind + " " + describe(statement) + ": unexpected token '" + image + "'");
        } catch (RuntimeException | Error e) {
            throw new SchemaParseException(source, first.beginLine, first.beginColumn, null,
                    "cannot parse " + kind + " " + describe(statement) + ": " + e);
        }
    }

    private static String describe(List<Token> statement) {
        for (int i = 0; i < statement.size(); i++) {
            if (statement.get(i).image.equalsIgnoreCase("TABLE") || statement.get(i).image.equalsIgnoreCase("ON")) {
                int name = i + 1;
                while (name < statement.size() && List.of("IF", "NOT", "EXISTS")
                        .contains(statement.get(name).image.toUpperCase(Locale.ROOT))) {
                    name++;
                }
                if (name < statement.size()) {
                    return "`" + Lexer.unquote(statement.get(name).image) + "`";
                }
            }
        }
        return "";
    }

    private static String tableName(String source, Token at, net.sf.jsqlparser.schema.Table table)
            throws SchemaParseException {
        if (table.getSchemaName() != null) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, table.getFullyQualifiedName(),
                    "table " + table.getFullyQualifiedName()
                            + " names its schema: a schema definition names tables without it");
        }
        return Lexer.unquote(table.getName());
    }

    private Table toTable(String source, CreateTable create, StatementItems items) throws SchemaParseException {
        Token at = items.first();
        String name = tableName(source, at, create.getTable());
        if (create.getSelect() != null || create.getLikeTable() != null) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, name,
                    "CREATE TABLE `" + name + "` copies another table (AS SELECT / LIKE): write its columns out");
        }
        if (create.getColumnDefinitions() == null || create.getColumnDefinitions().isEmpty()) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, name,
                    "CREATE TABLE `" + name + "` defines no columns");
        }
        List<String> createOptions = create.getCreateOptionsStrings();
        if (createOptions != null && !createOptions.isEmpty()) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, String.join(" ", createOptions),
                    "CREATE " + String.join(" ", createOptions) + " TABLE `" + name + "` is not supported");
        }
        List<Column> columns = new ArrayList<>();
        List<Index> indexes = new ArrayList<>();
        for (ColumnDefinition definition : create.getColumnDefinitions()) {
            String columnName = Lexer.unquote(definition.getColumnName());
            Token where = items.itemStart(columnName).orElse(at);
            ColumnSpec spec = toColumn(source, where, name, columnName, definition);
            if (columns.stream().anyMatch(c -> c.name().equalsIgnoreCase(columnName))) {
                throw new SchemaParseException(source, where.beginLine, where.beginColumn, columnName,
                        "column `" + columnName + "` of `" + name + "` is defined twice");
            }
            columns.add(spec.column());
            indexes.addAll(spec.indexes());
        }
        List<ForeignKey> foreignKeys = new ArrayList<>();
        if (create.getIndexes() != null) {
            for (net.sf.jsqlparser.statement.create.table.Index index : create.getIndexes()) {
                if (index instanceof CheckConstraint) {
                    throw new SchemaParseException(source, at.beginLine, at.beginColumn, "CHECK",
                            "CHECK constraints are not supported (table `" + name + "`)");
                }
                if (index instanceof ForeignKeyIndex key) {
                    foreignKeys.add(toForeignKey(key));
                } else {
                    indexes.add(toIndex(source, at, name, index, List.of()));
                }
            }
        }
        Table table = new Table(name, columns, indexes, foreignKeys, toOptions(source, at, name,
                create.getTableOptionsStrings()));
        checkReferences(source, at, table);
        return table;
    }

    private static void checkReferences(String source, Token at, Table table) throws SchemaParseException {
        long primaries = table.indexes().stream().filter(index -> index.kind() == IndexKind.PRIMARY).count();
        if (primaries > 1) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, "PRIMARY KEY",
                    "table `" + table.name() + "` has more than one primary key");
        }
        for (Index index : table.indexes()) {
            for (IndexPart part : index.parts()) {
                if (table.column(part.column()).isEmpty()) {
                    throw new SchemaParseException(source, at.beginLine, at.beginColumn, part.column(),
                            "index `" + index.name() + "` of `" + table.name() + "` names column `" + part.column()
                                    + "`, which the table does not have");
                }
            }
        }
        for (ForeignKey key : table.foreignKeys()) {
            for (String column : key.columns()) {
                if (table.column(column).isEmpty()) {
                    throw new SchemaParseException(source, at.beginLine, at.beginColumn, column,
                            "foreign key of `" + table.name() + "` names column `" + column
                                    + "`, which the table does not have");
                }
            }
        }
    }

    private record ColumnSpec(Column column, List<Index> indexes) {
    }

    private ColumnSpec toColumn(String source, Token at, String table, String name, ColumnDefinition definition)
            throws SchemaParseException {
        String where = "`" + table + "`.`" + name + "`";
        ColDataType dataType = definition.getColDataType();
        List<String> typeWords = new ArrayList<>();
        List<String> args = new ArrayList<>();
        splitType(dataType.getDataType(), typeWords, args);
        if (dataType.getArgumentsStringList() != null) {
            args.addAll(dataType.getArgumentsStringList());
        }
        boolean unsigned = false;
        boolean zerofill = false;
        List<String> baseWords = new ArrayList<>();
        for (String word : typeWords) {
            switch (word) {
                case "unsigned" -> unsigned = true;
                case "signed" -> {
                }
                case "zerofill" -> {
                    zerofill = true;
                    unsigned = true;
                }
                default -> baseWords.add(word);
            }
        }
        String charset = dataType.getCharacterSet() == null
                ? null
                : dataType.getCharacterSet().toLowerCase(Locale.ROOT);
        String collation = null;
        boolean nullable = true;
        boolean explicitNull = false;
        DefaultValue defaultValue = null;
        String onUpdate = null;
        boolean autoIncrement = false;
        String comment = "";
        Generated generated = null;
        List<Index> indexes = new ArrayList<>();
        List<String> specs = definition.getColumnSpecs() == null ? List.of() : definition.getColumnSpecs();
        for (int i = 0; i < specs.size(); i++) {
            String word = specs.get(i).toUpperCase(Locale.ROOT);
            switch (word) {
                case "UNSIGNED" -> unsigned = true;
                case "SIGNED" -> {
                }
                case "ZEROFILL" -> {
                    zerofill = true;
                    unsigned = true;
                }
                case "NOT" -> {
                    expect(source, at, specs, ++i, "NULL", where);
                    nullable = false;
                }
                case "NULL" -> explicitNull = true;
                case "AUTO_INCREMENT" -> autoIncrement = true;
                case "BINARY" -> collation = "binary-of-charset";
                case "COMMENT" -> comment = Lexer.unquoteString(value(source, at, specs, ++i, where));
                case "COLLATE" -> collation = value(source, at, specs, ++i, where).toLowerCase(Locale.ROOT);
                case "CHARSET" -> charset = value(source, at, specs, ++i, where).toLowerCase(Locale.ROOT);
                case "CHARACTER" -> {
                    expect(source, at, specs, ++i, "SET", where);
                    charset = value(source, at, specs, ++i, where).toLowerCase(Locale.ROOT);
                }
                case "DEFAULT" -> {
                    String value = value(source, at, specs, ++i, where);
                    if (i + 1 < specs.size() && specs.get(i + 1).startsWith("(") && !value.startsWith("'")
                            && !value.startsWith("(")) {
                        value = value + specs.get(++i);
                    }
                    defaultValue = toDefault(value);
                }
                case "ON" -> {
                    expect(source, at, specs, ++i, "UPDATE", where);
                    String value = value(source, at, specs, ++i, where);
                    if (i + 1 < specs.size() && specs.get(i + 1).startsWith("(")) {
                        value = value + specs.get(++i);
                    }
                    onUpdate = Expressions.canonical(value);
                }
                case "GENERATED" -> {
                    expect(source, at, specs, ++i, "ALWAYS", where);
                    expect(source, at, specs, ++i, "AS", where);
                    GeneratedSpec spec = generated(source, at, specs, i, where);
                    generated = spec.generated();
                    i = spec.last();
                }
                case "AS" -> {
                    GeneratedSpec spec = generated(source, at, specs, i, where);
                    generated = spec.generated();
                    i = spec.last();
                }
                case "PRIMARY" -> {
                    expect(source, at, specs, ++i, "KEY", where);
                    indexes.add(new Index(Index.PRIMARY, IndexKind.PRIMARY, List.of(new IndexPart(name, null)), ""));
                    nullable = false;
                }
                case "KEY" -> {
                    indexes.add(new Index(Index.PRIMARY, IndexKind.PRIMARY, List.of(new IndexPart(name, null)), ""));
                    nullable = false;
                }
                case "UNIQUE" -> {
                    if (i + 1 < specs.size() && specs.get(i + 1).equalsIgnoreCase("KEY")) {
                        i++;
                    }
                    indexes.add(new Index(name, IndexKind.UNIQUE, List.of(new IndexPart(name, null)), ""));
                }
                default -> throw new SchemaParseException(source, at.beginLine, at.beginColumn, specs.get(i),
                        "column " + where + ": '" + specs.get(i) + "' is not supported"
                                + (word.equals("CHECK")
                                        ? " (CHECK constraints)"
                                        : word.equals("REFERENCES")
                                                ? " (an inline REFERENCES is ignored by MySQL: write a FOREIGN KEY)"
                                                : ""));
            }
        }
        if (explicitNull && !nullable) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, name,
                    "column " + where + " is both NULL and NOT NULL");
        }
        ColumnType type = toType(source, at, where, String.join(" ", baseWords), args, unsigned, zerofill);
        if (!type.isString() && charset != null) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, charset,
                    "column " + where + " of type " + type.name() + " cannot have a character set");
        }
        Column column = new Column(name, type, nullable, defaultValue, onUpdate, autoIncrement, charset, collation,
                comment, generated);
        return new ColumnSpec(column, indexes);
    }

    private record GeneratedSpec(Generated generated, int last) {
    }

    /** {@code AS (expr) [VIRTUAL|STORED|PERSISTENT]} from the token after {@code AS}, and the last index used. */
    private static GeneratedSpec generated(String source, Token at, List<String> specs, int asIndex, String where)
            throws SchemaParseException {
        int i = asIndex + 1;
        String expression = value(source, at, specs, i, where);
        if (!expression.startsWith("(")) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, expression,
                    "column " + where + ": a generated column's expression must be in parentheses");
        }
        boolean stored = false;
        if (i + 1 < specs.size()) {
            String kind = specs.get(i + 1).toUpperCase(Locale.ROOT);
            if (kind.equals("STORED") || kind.equals("PERSISTENT")) {
                stored = true;
                i++;
            } else if (kind.equals("VIRTUAL")) {
                i++;
            }
        }
        String text = Expressions.stripOuterParentheses(expression);
        return new GeneratedSpec(new Generated(Expressions.canonical(text), stored), i);
    }

    private static DefaultValue toDefault(String value) {
        String upper = value.toUpperCase(Locale.ROOT);
        if (upper.equals("NULL")) {
            return DefaultValue.NULL;
        }
        if (value.startsWith("'")) {
            return DefaultValue.literal(Lexer.unquoteString(value));
        }
        if (upper.startsWith("B'") || upper.startsWith("X'") || upper.startsWith("0X") || upper.startsWith("0B")) {
            return new DefaultValue(DefaultValue.Kind.BIT_LITERAL, value.toLowerCase(Locale.ROOT));
        }
        if (upper.equals("TRUE")) {
            return DefaultValue.literal("1");
        }
        if (upper.equals("FALSE")) {
            return DefaultValue.literal("0");
        }
        try {
            new BigDecimal(value);
            return DefaultValue.literal(value);
        } catch (NumberFormatException e) {
            // an expression
        }
        return DefaultValue.expression(Expressions.canonical(Expressions.stripOuterParentheses(value)));
    }

    private static String value(String source, Token at, List<String> specs, int i, String where)
            throws SchemaParseException {
        if (i >= specs.size()) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, null,
                    "column " + where + ": a value is missing after '" + specs.get(i - 1) + "'");
        }
        return specs.get(i);
    }

    private static void expect(String source, Token at, List<String> specs, int i, String word, String where)
            throws SchemaParseException {
        if (i >= specs.size() || !specs.get(i).equalsIgnoreCase(word)) {
            String found = i < specs.size() ? specs.get(i) : "the end of the definition";
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, found,
                    "column " + where + ": expected " + word + " after '" + specs.get(i - 1) + "', found '" + found
                            + "'");
        }
    }

    /** {@code "decimal (10, 2)"} → words {@code [decimal]}, args {@code [10, 2]}; {@code "int unsigned"} → 2 words. */
    private static void splitType(String text, List<String> words, List<String> args) {
        boolean inArgs = false;
        for (Token token : Lexer.fragment(text)) {
            String image = token.image;
            if (image.equals("(")) {
                inArgs = true;
            } else if (image.equals(")")) {
                inArgs = false;
            } else if (inArgs) {
                if (!image.equals(",")) {
                    args.add(image);
                }
            } else {
                words.add(image.toLowerCase(Locale.ROOT));
            }
        }
    }

    private static ColumnType toType(String source, Token at, String where, String written, List<String> args,
            boolean unsigned, boolean zerofill) throws SchemaParseException {
        String name = TYPE_ALIASES.getOrDefault(written, written);
        if (name.equals("json")) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, written,
                    "column " + where + ": JSON columns are not supported (MariaDB stores them as LONGTEXT with a "
                            + "CHECK constraint)");
        }
        if (!KNOWN_TYPES.contains(name)) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, written,
                    "column " + where + ": type '" + written + "' is not supported");
        }
        List<String> canonical = new ArrayList<>(args);
        if (written.equals("bool") || written.equals("boolean")) {
            canonical = List.of();
        }
        switch (name) {
            case "tinyint", "smallint", "mediumint", "int", "bigint" -> canonical = List.of();
            case "decimal" -> {
                if (canonical.isEmpty()) {
                    canonical = List.of("10", "0");
                } else if (canonical.size() == 1) {
                    canonical = List.of(canonical.get(0), "0");
                }
            }
            case "float" -> {
                if (canonical.size() == 1) {
                    // FLOAT(p): a precision in bits picks FLOAT or DOUBLE.
                    name = Integer.parseInt(canonical.get(0)) > 24 ? "double" : "float";
                    canonical = List.of();
                }
            }
            case "bit", "char", "binary" -> {
                if (canonical.isEmpty()) {
                    canonical = List.of("1");
                }
            }
            case "varchar", "varbinary" -> {
                if (canonical.size() != 1) {
                    throw new SchemaParseException(source, at.beginLine, at.beginColumn, written,
                            "column " + where + ": " + name + " needs a length");
                }
            }
            case "text", "blob" -> {
                if (canonical.size() == 1) {
                    // TEXT(n) / BLOB(n): the smallest type that holds n bytes.
                    long length = Long.parseLong(canonical.get(0));
                    int rank = length < 256 ? 0 : length < 65536 ? 1 : length < 16777216 ? 2 : 3;
                    name = (name.equals("text") ? ColumnType.TEXTS : ColumnType.BLOBS).get(rank);
                    canonical = List.of();
                }
            }
            case "year" -> canonical = List.of();
            case "time", "datetime", "timestamp" -> {
                if (canonical.size() == 1 && canonical.get(0).equals("0")) {
                    canonical = List.of();
                }
            }
            case "enum", "set" -> {
                List<String> values = new ArrayList<>();
                for (String value : canonical) {
                    values.add(Lexer.unquoteString(value.trim()));
                }
                canonical = values;
            }
            default -> {
            }
        }
        boolean numeric = Set.of("tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "float", "double")
                .contains(name);
        if ((unsigned || zerofill) && !numeric) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, written,
                    "column " + where + ": " + name + " cannot be UNSIGNED or ZEROFILL");
        }
        return new ColumnType(name, canonical, unsigned, zerofill);
    }

    private static Index toIndex(String source, Token at, String table,
            net.sf.jsqlparser.statement.create.table.Index index, List<String> tail) throws SchemaParseException {
        String type = index.getType() == null ? "" : index.getType().toUpperCase(Locale.ROOT);
        IndexKind kind;
        if (type.startsWith("PRIMARY")) {
            kind = IndexKind.PRIMARY;
        } else if (type.startsWith("UNIQUE")) {
            kind = IndexKind.UNIQUE;
        } else if (type.startsWith("FULLTEXT")) {
            kind = IndexKind.FULLTEXT;
        } else if (type.isEmpty() || type.equals("KEY") || type.equals("INDEX")) {
            kind = IndexKind.INDEX;
        } else {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, index.getType(),
                    index.getType() + " indexes are not supported (table `" + table + "`)");
        }
        String name = kind == IndexKind.PRIMARY
                ? Index.PRIMARY
                : index.getName() == null
                        ? null
                        : Lexer.unquote(index.getName());
        if (name == null) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, index.getType(),
                    "an index of `" + table + "` has no name: name every index");
        }
        List<IndexPart> parts = new ArrayList<>();
        for (net.sf.jsqlparser.statement.create.table.Index.ColumnParams column : index.getColumns()) {
            Integer prefix = null;
            if (column.getParams() != null) {
                for (String param : column.getParams()) {
                    String trimmed = Expressions.stripOuterParentheses(param);
                    if (trimmed.equalsIgnoreCase("ASC")) {
                        continue;
                    }
                    try {
                        prefix = Integer.parseInt(trimmed);
                    } catch (NumberFormatException e) {
                        throw new SchemaParseException(source, at.beginLine, at.beginColumn, param,
                                "index `" + name + "` of `" + table + "`: '" + param + "' is not supported");
                    }
                }
            }
            parts.add(new IndexPart(Lexer.unquote(column.getColumnName()), prefix));
        }
        String comment = "";
        List<String> spec = new ArrayList<>();
        if (index.getIndexSpec() != null) {
            spec.addAll(index.getIndexSpec());
        }
        spec.addAll(tail == null ? List.of() : tail);
        for (int i = 0; i < spec.size(); i++) {
            String word = spec.get(i).toUpperCase(Locale.ROOT);
            if (word.equals("USING") && i + 1 < spec.size()) {
                i++; // InnoDB indexes are B-trees whatever is written
            } else if (word.equals("COMMENT") && i + 1 < spec.size()) {
                comment = Lexer.unquoteString(spec.get(++i));
            } else {
                throw new SchemaParseException(source, at.beginLine, at.beginColumn, spec.get(i),
                        "index `" + name + "` of `" + table + "`: '" + spec.get(i) + "' is not supported");
            }
        }
        return new Index(name, kind, parts, comment);
    }

    private static ForeignKey toForeignKey(ForeignKeyIndex key) {
        String name = key.getName() == null ? null : Lexer.unquote(key.getName());
        List<String> columns = key.getColumns().stream().map(c -> Lexer.unquote(c.getColumnName())).toList();
        List<String> referenced = key.getReferencedColumnNames().stream().map(Lexer::unquote).toList();
        return new ForeignKey(name, columns, Lexer.unquote(key.getTable().getName()), referenced,
                action(key.getOnDeleteReferenceOption()), action(key.getOnUpdateReferenceOption()));
    }

    private static String action(String written) {
        if (written == null) {
            return ForeignKey.RESTRICT;
        }
        String upper = written.toUpperCase(Locale.ROOT).trim();
        // InnoDB treats NO ACTION as RESTRICT; servers print either.
        return upper.equals("NO ACTION") ? ForeignKey.RESTRICT : upper;
    }

    private static TableOptions toOptions(String source, Token at, String table, List<String> words)
            throws SchemaParseException {
        String engine = null;
        String charset = null;
        String collation = null;
        String comment = "";
        String rowFormat = null;
        List<String> tokens = words == null
                ? List.of()
                : words.stream().filter(word -> !word.equals("=") && !word.equals(",")).toList();
        for (int i = 0; i < tokens.size(); i++) {
            String word = tokens.get(i).toUpperCase(Locale.ROOT);
            String next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            switch (word) {
                case "DEFAULT" -> {
                    continue;
                }
                case "ENGINE" -> engine = Lexer.unquote(require(source, at, table, word, next));
                case "CHARSET" -> charset = require(source, at, table, word, next).toLowerCase(Locale.ROOT);
                case "CHARACTER" -> {
                    i++;
                    next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
                    charset = require(source, at, table, word, next).toLowerCase(Locale.ROOT);
                }
                case "COLLATE" -> collation = require(source, at, table, word, next).toLowerCase(Locale.ROOT);
                case "COMMENT" -> comment = Lexer.unquoteString(require(source, at, table, word, next));
                case "ROW_FORMAT" -> rowFormat = require(source, at, table, word, next).toUpperCase(Locale.ROOT);
                case "AUTO_INCREMENT" -> {
                    // The counter is data, not schema.
                }
                default -> throw new SchemaParseException(source, at.beginLine, at.beginColumn, tokens.get(i),
                        "table option '" + tokens.get(i) + "' of `" + table + "` is not supported");
            }
            i++;
        }
        return new TableOptions(engine, charset, collation, comment, rowFormat);
    }

    private static String require(String source, Token at, String table, String option, String value)
            throws SchemaParseException {
        if (value == null) {
            throw new SchemaParseException(source, at.beginLine, at.beginColumn, option,
                    "table option " + option + " of `" + table + "` has no value");
        }
        return value;
    }

    /**
     * The items between a CREATE TABLE's outer parentheses (columns, indexes, keys), located by tokens, and the
     * {@code @renamed} comments that belong to them: a comment on an item's last line after it, or on the lines
     * just before it.
     */
    private static final class StatementItems {

        private final List<Token> statement;
        private final Map<String, Token> columnStarts = new HashMap<>();
        private final Map<String, String> columnRenames = new HashMap<>();
        private String tableRename;

        StatementItems(List<Token> statement, List<Token> all) {
            this.statement = statement;
            // item index of every token: -1 for the header, -2 after the closing parenthesis
            int[] item = new int[statement.size()];
            int depth = 0;
            int current = -1;
            List<Token> starts = new ArrayList<>();
            for (int i = 0; i < statement.size(); i++) {
                String image = statement.get(i).image;
                if (image.equals("(")) {
                    depth++;
                    if (depth == 1 && current == -1) {
                        item[i] = -1;
                        current = 0;
                        if (i + 1 < statement.size()) {
                            starts.add(statement.get(i + 1));
                        }
                        continue;
                    }
                } else if (image.equals(")")) {
                    depth--;
                    if (depth == 0 && current >= 0) {
                        item[i] = current;
                        current = -2;
                        continue;
                    }
                } else if (image.equals(",") && depth == 1 && current >= 0) {
                    item[i] = current;
                    current++;
                    if (i + 1 < statement.size()) {
                        starts.add(statement.get(i + 1));
                    }
                    continue;
                }
                item[i] = current;
            }
            for (int i = 0; i < starts.size(); i++) {
                Token start = starts.get(i);
                if (!INDEX_WORDS.contains(start.image.toUpperCase(Locale.ROOT)) || Lexer.isIdentifier(start)
                        && start.image.startsWith("`")) {
                    columnStarts.putIfAbsent(Lexer.unquote(start.image).toLowerCase(Locale.ROOT), start);
                }
            }
            int firstIndex = all.indexOf(statement.get(0));
            for (int i = 0; i < statement.size(); i++) {
                Token token = statement.get(i);
                Token previous = i > 0 ? statement.get(i - 1) : firstIndex > 0 ? all.get(firstIndex - 1) : null;
                for (Token comment = token.specialToken; comment != null; comment = comment.specialToken) {
                    String from = renamedFrom(comment.image);
                    if (from == null) {
                        continue;
                    }
                    boolean trailing = previous != null && previous.endLine == comment.beginLine;
                    int owner = trailing ? (i > 0 ? item[i - 1] : Integer.MIN_VALUE) : item[i];
                    if (owner == Integer.MIN_VALUE) {
                        continue; // trails the previous statement
                    }
                    if (owner == -1 || owner == -2) {
                        tableRename = from;
                    } else {
                        Token start = starts.get(owner);
                        columnRenames.put(Lexer.unquote(start.image).toLowerCase(Locale.ROOT), from);
                    }
                }
            }
        }

        Token first() {
            return statement.get(0);
        }

        java.util.Optional<Token> itemStart(String column) {
            return java.util.Optional.ofNullable(columnStarts.get(column.toLowerCase(Locale.ROOT)));
        }

        java.util.Optional<String> tableRename() {
            return java.util.Optional.ofNullable(tableRename);
        }

        java.util.Optional<String> columnRename(String column) {
            return java.util.Optional.ofNullable(columnRenames.get(column.toLowerCase(Locale.ROOT)));
        }

        /** {@code -- @renamed from=old_name} or {@code /* @renamed from=`old name` *}{@code /}: the old name. */
        private static String renamedFrom(String comment) {
            int at = comment.indexOf("@renamed");
            if (at < 0) {
                return null;
            }
            String rest = comment.substring(at + "@renamed".length()).trim();
            if (!rest.startsWith("from=")) {
                return null;
            }
            rest = rest.substring("from=".length());
            if (rest.startsWith("`")) {
                int end = rest.indexOf('`', 1);
                return end > 0 ? rest.substring(1, end) : null;
            }
            int end = 0;
            while (end < rest.length() && !Character.isWhitespace(rest.charAt(end)) && rest.charAt(end) != '*') {
                end++;
            }
            return end == 0 ? null : rest.substring(0, end);
        }
    }
}
