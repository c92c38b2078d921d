package dev.patchflow.pkg.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.Installs;
import dev.patchflow.pkg.Trees;

/**
 * Recovery on its own, from journals in the states a killed process leaves (written here step by step with
 * the same actions the apply uses; CrashRecoveryTest kills a real apply).
 */
class RecoveryTest {

    @TempDir
    Path tmp;
    Path install;
    WorkArea work;
    Map<String, String> oldTree;

    @BeforeEach
    void setUp() throws Exception {
        install = Installs.v100(tmp.resolve("app"));
        work = new WorkArea(install, tmp.resolve("work"));
        Files.createDirectories(work.backup);
        Trees.write(work.staging, "bin/app", "new app", 0755);
        Trees.write(work.staging, "fresh/dir/file", "fresh");
        oldTree = Trees.digest(install);
    }

    /** Journals and makes the steps the way JournaledApply does, stopping where a kill would. */
    private void beginAndDo(boolean commit, boolean secondChangeMade) throws Exception {
        try (Journal journal = Journal.create(work.journal)) {
            journal.append(JournalEntry.begin("1.1.0", "1.0.0", "PatchUpgrade", "ab".repeat(32)));
            journal.append(JournalEntry.step(0, StepKind.REPLACE_FILE, "bin/app", true, List.of()));
            StepActions.backup(work.backup, 0, install.resolve("bin/app"));
            StepActions.perform(new Step(StepKind.REPLACE_FILE, "bin/app", work.staging.resolve("bin/app")),
                    install.resolve("bin/app"), install, List.of());
            journal.append(JournalEntry.step(1, StepKind.REPLACE_FILE, "fresh/dir/file", false,
                    List.of("fresh", "fresh/dir")));
            if (secondChangeMade) {
                StepActions.perform(new Step(StepKind.REPLACE_FILE, "fresh/dir/file",
                        work.staging.resolve("fresh/dir/file")), install.resolve("fresh/dir/file"), install,
                        List.of("fresh", "fresh/dir"));
            }
            if (commit) {
                journal.append(JournalEntry.commit());
            }
        }
    }

    @Test
    void withoutAJournalThereIsNothingToDo() throws Exception {
        RecoveryResult r = Recovery.recover(install, tmp.resolve("work"));
        assertThat(r.outcome()).isEqualTo(RecoveryResult.Outcome.NOTHING);
        assertThat(r.installedVersion()).isEqualTo("1.0.0");
    }

    @Test
    void anUncommittedApplyIsRolledBackIncludingTheDirectoriesItCreated() throws Exception {
        beginAndDo(false, true);
        assertThat(install.resolve("fresh/dir/file")).exists();

        RecoveryResult r = Recovery.recover(install, tmp.resolve("work"));

        assertThat(r.outcome()).isEqualTo(RecoveryResult.Outcome.ROLLED_BACK);
        assertThat(r.detail()).contains("after 2 begun step(s)");
        assertThat(Trees.digest(install)).isEqualTo(oldTree);
        assertThat(work.journal).doesNotExist();
        assertThat(work.backup).doesNotExist();
    }

    @Test
    void aStepJournaledButNeverStartedIsLeftAlone() throws Exception {
        beginAndDo(false, false);

        assertThat(Recovery.recover(install, tmp.resolve("work")).outcome())
                .isEqualTo(RecoveryResult.Outcome.ROLLED_BACK);
        assertThat(Trees.digest(install)).isEqualTo(oldTree);
    }

    @Test
    void aCommittedApplyIsCompletedAndKeepsTheNewTree() throws Exception {
        beginAndDo(true, true);
        Map<String, String> newTree = Trees.digest(install);

        RecoveryResult r = Recovery.recover(install, tmp.resolve("work"));

        assertThat(r.outcome()).isEqualTo(RecoveryResult.Outcome.COMPLETED);
        assertThat(Trees.digest(install)).isEqualTo(newTree);
        assertThat(work.journal).doesNotExist();
        assertThat(work.backup).doesNotExist();
    }

    @Test
    void recoveringTwiceIsRecoveringOnce() throws Exception {
        beginAndDo(false, true);
        Recovery.recover(install, tmp.resolve("work"));
        assertThat(Recovery.recover(install, tmp.resolve("work")).outcome())
                .isEqualTo(RecoveryResult.Outcome.NOTHING);
        assertThat(Trees.digest(install)).isEqualTo(oldTree);
    }
}
