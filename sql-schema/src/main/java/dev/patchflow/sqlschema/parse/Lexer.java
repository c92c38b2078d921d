package dev.patchflow.sqlschema.parse;

import java.util.ArrayList;
import java.util.List;

import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserTokenManager;
import net.sf.jsqlparser.parser.SimpleCharStream;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.parser.TokenMgrException;

/**
 * JSqlParser's own lexer (the one its parser uses), for what the AST does not keep: where each statement starts,
 * the comments that carry annotations, and canonical forms of expressions. SQL text is never cut up with regular
 * expressions.
 */
final class Lexer {

    private Lexer() {
    }

    /** Every token of {@code text} up to the end (comments are in each token's {@code specialToken} chain). */
    static List<Token> tokens(String source, String text) throws SchemaParseException {
        CCJSqlParserTokenManager manager = new CCJSqlParserTokenManager(new SimpleCharStream(new StringProvider(text)));
        List<Token> tokens = new ArrayList<>();
        Token pendingComments = null;
        try {
            for (Token token = manager.getNextToken(); token.kind != CCJSqlParserConstants.EOF; token = manager
                    .getNextToken()) {
                if (token.kind == CCJSqlParserConstants.ST_SEMICOLON && !token.image.equals(";")) {
                    // JSqlParser takes a blank line for a statement end; MySQL does not: it is whitespace. Its
                    // comments go to the next token.
                    if (token.specialToken != null) {
                        pendingComments = chain(token.specialToken, pendingComments);
                    }
                    continue;
                }
                if (pendingComments != null) {
                    token.specialToken = chain(token.specialToken, pendingComments);
                    pendingComments = null;
                }
                tokens.add(token);
            }
        } catch (TokenMgrException e) {
            throw new SchemaParseException(source, 0, 0, null, "cannot read the SQL text: " + e.getMessage());
        }
        return tokens;
    }

    /** {@code newer}'s comment chain followed by {@code older}'s (a chain runs from the nearest comment back). */
    private static Token chain(Token newer, Token older) {
        if (newer == null) {
            return older;
        }
        Token last = newer;
        while (last.specialToken != null) {
            last = last.specialToken;
        }
        last.specialToken = older;
        return newer;
    }

    /**
     * {@code text} with every empty line given one space: the parser would end a statement at a blank line, MySQL
     * does not. Lines and columns stay where they were.
     */
    static String withoutBlankLines(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        char previous = '\n';
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' && previous == '\n' || c == '\r' && previous == '\n') {
                out.append(' ');
            }
            out.append(c);
            if (c != '\r') {
                previous = c;
            }
        }
        return out.toString();
    }

    /** Tokens of a fragment whose text is known to be lexable (it came out of the parser). */
    static List<Token> fragment(String text) {
        try {
            return tokens("expression", text);
        } catch (SchemaParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static boolean isIdentifier(Token token) {
        return token.kind == CCJSqlParserConstants.S_IDENTIFIER
                || token.kind == CCJSqlParserConstants.S_QUOTED_IDENTIFIER;
    }

    static boolean isString(Token token) {
        return token.kind == CCJSqlParserConstants.S_CHAR_LITERAL;
    }

    /** {@code `a``b`} → {@code a`b}; {@code "a"} → {@code a}; other names as they are. */
    static String unquote(String name) {
        if (name == null || name.length() < 2) {
            return name;
        }
        char first = name.charAt(0);
        char last = name.charAt(name.length() - 1);
        if ((first == '`' || first == '"') && last == first) {
            String quote = String.valueOf(first);
            return name.substring(1, name.length() - 1).replace(quote + quote, quote);
        }
        return name;
    }

    /** {@code 'it''s'} → {@code it's} (also backslash escapes, as MySQL reads them). */
    static String unquoteString(String literal) {
        String body = literal.substring(1, literal.length() - 1);
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                out.append('\'');
                i++;
            } else if (c == '\\' && i + 1 < body.length()) {
                char next = body.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
