package dev.patchflow.patchctl.request;

import java.util.List;

import org.apache.commons.text.StringTokenizer;
import org.apache.commons.text.matcher.StringMatcher;
import org.apache.commons.text.matcher.StringMatcherFactory;

/**
 * Splits a command line given as one string ({@code --command "sh apply.sh --mode 'fast path'"})
 * into argv, the way the process executor wants it (no shell runs it later). Whitespace separates
 * arguments; single or double quotes group them; inside quotes a doubled quote is a literal quote.
 * There is no variable expansion, globbing or backslash escaping: what you type is what runs.
 */
public final class CommandSplitter {

    /** A run of whitespace is one separator, so that "a  b" is two arguments, not three. */
    private static final StringMatcher WHITESPACE_RUN = (buffer, start, bufferStart, bufferEnd) -> {
        int end = start;
        while (end < bufferEnd && Character.isWhitespace(buffer[end])) {
            end++;
        }
        return end - start;
    };

    private CommandSplitter() {
    }

    public static List<String> split(String commandLine) {
        if (commandLine == null || commandLine.isBlank()) {
            return List.of();
        }
        StringTokenizer tokenizer = new StringTokenizer(commandLine.strip());
        tokenizer.setDelimiterMatcher(WHITESPACE_RUN);
        tokenizer.setQuoteMatcher(StringMatcherFactory.INSTANCE.quoteMatcher());
        // Keep "" as an empty argument: it was typed on purpose.
        tokenizer.setIgnoreEmptyTokens(false);
        tokenizer.setEmptyTokenAsNull(false);
        return tokenizer.getTokenList().stream().toList();
    }
}
