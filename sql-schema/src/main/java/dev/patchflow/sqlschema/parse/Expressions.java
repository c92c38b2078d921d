package dev.patchflow.sqlschema.parse;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import net.sf.jsqlparser.parser.Token;

/**
 * Canonical text of a default or generation expression, so that what the user wrote and what the server prints
 * back compare equal: identifiers without quotes, everything but string literals in lower case, one space between
 * tokens, and the synonyms of {@code current_timestamp()} folded into it.
 */
public final class Expressions {

    private static final Set<String> NOW = Set.of("current_timestamp", "current_timestamp()", "now()", "localtime",
            "localtime()", "localtimestamp", "localtimestamp()");

    private Expressions() {
    }

    public static String canonical(String expression) {
        List<Token> tokens = Lexer.fragment(expression);
        StringBuilder out = new StringBuilder();
        String previous = null;
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            boolean call = i + 1 < tokens.size() && tokens.get(i + 1).image.equals("(");
            String text;
            if (Lexer.isString(token)) {
                text = token.image;
            } else if (Lexer.isIdentifier(token)) {
                String name = Lexer.unquote(token.image).toLowerCase(Locale.ROOT);
                text = call && !token.image.startsWith("`") ? name : "`" + name.replace("`", "``") + "`";
            } else {
                text = token.image.toLowerCase(Locale.ROOT);
            }
            boolean glue = previous == null || previous.equals("(") || text.equals(")") || text.equals(",")
                    || previous.equals(",") || text.equals("(") && !isOperator(previous);
            if (!glue) {
                out.append(' ');
            }
            out.append(text);
            previous = text;
        }
        String canonical = out.toString();
        if (NOW.contains(canonical)) {
            return "current_timestamp()";
        }
        for (String now : List.of("current_timestamp(", "now(", "localtime(", "localtimestamp(")) {
            if (canonical.startsWith(now) && canonical.endsWith(")")) {
                String precision = canonical.substring(now.length(), canonical.length() - 1).trim();
                if (!precision.isEmpty() && precision.chars().allMatch(Character::isDigit)) {
                    int digits = Integer.parseInt(precision);
                    return digits == 0 ? "current_timestamp()" : "current_timestamp(" + digits + ")";
                }
            }
        }
        return canonical;
    }

    private static boolean isOperator(String token) {
        return !token.isEmpty() && !Character.isLetterOrDigit(token.charAt(0)) && token.charAt(0) != '`'
                && token.charAt(0) != '_' && !token.equals(")");
    }

    /** {@code current_timestamp()} and its precision forms, which a server prints without parentheses around. */
    public static boolean isCurrentTimestamp(String canonical) {
        return canonical.startsWith("current_timestamp(");
    }

    /** {@code (expr)} → {@code expr} when the outer parentheses enclose the whole text. */
    static String stripOuterParentheses(String text) {
        String trimmed = text.trim();
        while (trimmed.startsWith("(") && trimmed.endsWith(")") && enclosesAll(trimmed)) {
            trimmed = trimmed.substring(1, trimmed.length() - 1).trim();
        }
        return trimmed;
    }

    private static boolean enclosesAll(String text) {
        List<Token> tokens = Lexer.fragment(text);
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            String image = tokens.get(i).image;
            if (image.equals("(")) {
                depth++;
            } else if (image.equals(")")) {
                depth--;
                if (depth == 0 && i < tokens.size() - 1) {
                    return false;
                }
            }
        }
        return true;
    }
}
