package dev.patchflow.runner.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runner's record of a schema plan being applied to one target ({@code runId/targetId}): the plan's statements
 * with the table states before and after each, which were started and which confirmed. DDL is not transactional,
 * so a restarted runner resumes from here: the first statement not confirmed, judged against the live schema.
 * Writes are fenced by the lock token the plan runs under: a holder whose token is older than the journal's is
 * refused ({@link FencedOut}).
 */
public interface SchemaJournal {

    /** One statement as journaled; {@code before}/{@code after} map table → canonical text ({@code null}: absent). */
    record Entry(int number, String sql, Map<String, String> before, Map<String, String> after, boolean rerunnable) {
    }

    /** A journaled plan: its statements, and for each number confirmed how ({@code ran}, {@code found applied}). */
    record Journal(String runTargetId, String desiredSha256, List<Entry> statements, List<Integer> started,
            Map<Integer, String> confirmed) {

        public boolean complete() {
            return statements.stream().allMatch(entry -> confirmed.containsKey(entry.number()));
        }
    }

    /** Thrown when a newer holder of the target's lock writes this journal: the stale holder must stop. */
    final class FencedOut extends RuntimeException {

        public FencedOut(String runTargetId, long token) {
            super("the schema journal of " + runTargetId + " belongs to a newer lock holder than token " + token);
        }
    }

    Optional<Journal> find(String runTargetId);

    /** Records a new plan (replacing a finished earlier one of the same id). */
    void create(String runTargetId, String desiredSha256, List<Entry> statements, long lockToken);

    /** Claims the journal for a resuming holder with {@code lockToken}; false when a newer holder has it. */
    boolean claim(String runTargetId, long lockToken);

    void started(String runTargetId, int number, long lockToken);

    void confirmed(String runTargetId, int number, String how, long lockToken);
}
