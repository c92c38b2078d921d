package dev.patchflow.dbcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class WaitsTest {

    private static final Duration POLL = Duration.ofMillis(1);

    @Test
    void settleAnswersTheFirstAnswerItAccepts() {
        Supplier<List<String>> health = answers(List.of("replica b not streaming"), List.of(), List.of("later"));

        assertThat(Waits.settle(Duration.ofSeconds(5), POLL, health, List::isEmpty, e -> List.of(e.getMessage())))
                .isEmpty();
    }

    @Test
    void settleAnswersTheLastAnswerWhenTimeRunsOut() {
        assertThat(Waits.settle(Duration.ofMillis(20), POLL, () -> List.of("replica b not streaming"), List::isEmpty,
                e -> List.of(e.getMessage()))).containsExactly("replica b not streaming");
    }

    @Test
    void anExceptionIsAnsweredByWhenThrownAndLookedAgain() {
        Supplier<String> problem = new Supplier<>() {

            private int calls;

            @Override
            public String get() {
                if (calls++ == 0) {
                    throw new IllegalStateException("connection refused");
                }
                return null;
            }
        };

        assertThat(Waits.settle(Duration.ofSeconds(5), POLL, problem, p -> p == null, e -> "threw: " + e.getMessage()))
                .isNull();
        Supplier<String> refusing = () -> {
            throw new IllegalStateException("connection refused");
        };
        assertThat(Waits.settle(Duration.ofMillis(20), POLL, refusing, p -> p == null, e -> "threw: " + e.getMessage()))
                .isEqualTo("threw: connection refused");
    }

    @Test
    void untilNamesWhatWasAwaitedAndTheLastProblem() {
        assertThatThrownBy(() -> Waits.until("leader node2", Duration.ofMillis(20), POLL, () -> "no leader yet"))
                .isInstanceOf(ClusterException.class)
                .hasMessage("leader node2 not reached within 0s: no leader yet");
        Waits.until("leader node2", Duration.ofSeconds(5), POLL, answers("no leader yet", null));
    }

    @Test
    void anExceptionWithoutAMessageIsAProblemNotTheConditionReached() {
        assertThatThrownBy(() -> Waits.until("leader node2", Duration.ofMillis(20), POLL, () -> {
            throw new NullPointerException();
        })).isInstanceOf(ClusterException.class)
                .hasMessage("leader node2 not reached within 0s: java.lang.NullPointerException");
    }

    @SafeVarargs
    private static <T> Supplier<T> answers(T... answers) {
        Iterator<T> next = Arrays.asList(answers).iterator();
        return next::next;
    }
}
