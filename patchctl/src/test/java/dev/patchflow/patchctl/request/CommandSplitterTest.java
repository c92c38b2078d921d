package dev.patchflow.patchctl.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandSplitterTest {

    @Test
    void splitsOnWhitespaceAndKeepsQuotedArgumentsTogether() {
        assertThat(CommandSplitter.split("sh  apply.sh --mode 'fast path' \"two words\""))
                .containsExactly("sh", "apply.sh", "--mode", "fast path", "two words");
    }

    @Test
    void keepsQuotesOfTheOtherKindAndDoubledQuotesLiterally() {
        assertThat(CommandSplitter.split("echo \"it's\" 'say \"hi\"' 'a''b'"))
                .containsExactly("echo", "it's", "say \"hi\"", "a'b");
    }

    @Test
    void keepsAnExplicitlyEmptyArgument() {
        assertThat(CommandSplitter.split("printf '' x")).containsExactly("printf", "", "x");
    }

    @Test
    void runsNoShellExpansion() {
        assertThat(CommandSplitter.split("echo $HOME *.txt ~")).containsExactly("echo", "$HOME", "*.txt", "~");
    }

    @Test
    void blankInputIsNoCommand() {
        assertThat(CommandSplitter.split("   ")).isEmpty();
        assertThat(CommandSplitter.split(null)).isEmpty();
    }
}
