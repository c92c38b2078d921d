package dev.patchflow.sqlschema.model;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a server fills in where a definition is silent: the schema's default character set and collation, the
 * default storage engine, and each character set's default collation. A live server gives its own
 * ({@code LiveSchemaReader}); file-to-file diffs use {@link #mariadb(String, String)}.
 */
public record ServerDefaults(String engine, String charset, String collation, Map<String, String> defaultCollations) {

    /** MariaDB 10.11's default collation of the character sets a schema commonly uses. */
    private static final Map<String, String> MARIADB_COLLATIONS = Map.ofEntries(
            Map.entry("utf8mb4", "utf8mb4_general_ci"), Map.entry("utf8mb3", "utf8mb3_general_ci"),
            Map.entry("latin1", "latin1_swedish_ci"), Map.entry("ascii", "ascii_general_ci"),
            Map.entry("binary", "binary"), Map.entry("ucs2", "ucs2_general_ci"),
            Map.entry("utf16", "utf16_general_ci"), Map.entry("utf32", "utf32_general_ci"),
            Map.entry("latin2", "latin2_general_ci"), Map.entry("cp1250", "cp1250_general_ci"),
            Map.entry("cp1251", "cp1251_general_ci"), Map.entry("greek", "greek_general_ci"),
            Map.entry("hebrew", "hebrew_general_ci"), Map.entry("sjis", "sjis_japanese_ci"),
            Map.entry("gbk", "gbk_chinese_ci"), Map.entry("big5", "big5_chinese_ci"));

    public ServerDefaults {
        defaultCollations = Map.copyOf(new TreeMap<>(defaultCollations));
        charset = canonicalCharset(charset);
        collation = canonicalCollation(collation);
    }

    /** MariaDB 10.11 with InnoDB and the given schema default character set and collation. */
    public static ServerDefaults mariadb(String charset, String collation) {
        String resolvedCharset = charset == null ? "utf8mb4" : charset;
        String resolvedCollation = collation != null
                ? collation
                : MARIADB_COLLATIONS.getOrDefault(canonicalCharset(resolvedCharset),
                        canonicalCharset(resolvedCharset) + "_general_ci");
        return new ServerDefaults("InnoDB", resolvedCharset, resolvedCollation, MARIADB_COLLATIONS);
    }

    /** The collation a column or table of {@code charset} gets when it names none. */
    public String defaultCollation(String charsetName) {
        String canonical = canonicalCharset(charsetName);
        String known = defaultCollations.get(canonical);
        return known != null ? known : canonical + "_general_ci";
    }

    /** The character set of a collation: its name up to the first underscore ({@code binary} is its own). */
    public static String charsetOf(String collationName) {
        String canonical = canonicalCollation(collationName);
        int underscore = canonical.indexOf('_');
        return underscore < 0 ? canonical : canonical.substring(0, underscore);
    }

    /** {@code utf8} is {@code utf8mb3} on MariaDB 10.6+ and MySQL 8, which print the latter. */
    public static String canonicalCharset(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("utf8") ? "utf8mb3" : lower;
    }

    public static String canonicalCollation(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("utf8_") ? "utf8mb3_" + lower.substring("utf8_".length()) : lower;
    }
}
