package dev.patchflow.sqlschema.apply;

/**
 * Where each statement of a plan is recorded before and after it runs. DDL is not transactional (MySQL commits
 * it implicitly), so this record, not a transaction, is what tells a restarted applier where it was: the first
 * statement not confirmed is where it resumes.
 */
public interface StatementJournal {

    /** Before statement {@code number} is sent to the server. */
    void started(int number);

    /**
     * After statement {@code number} ran, or was found to have landed before a crash.
     *
     * @param how {@code ran} or {@code found applied}
     */
    void confirmed(int number, String how);

    StatementJournal NONE = new StatementJournal() {

        @Override
        public void started(int number) {
        }

        @Override
        public void confirmed(int number, String how) {
        }
    };
}
