package dev.patchflow.sqlschema.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import dev.patchflow.sqlschema.model.Schema;
import dev.patchflow.sqlschema.model.Table;
import dev.patchflow.sqlschema.plan.PlannedStatement;
import dev.patchflow.sqlschema.plan.SqlWriter;
import dev.patchflow.sqlschema.plan.TableState;

/**
 * Runs a plan's statements one by one, each recorded in a {@link StatementJournal} before and after it. No
 * transaction is pretended: MySQL and MariaDB commit DDL implicitly.
 */
public final class PlanApplier {

    /** Called after each statement is confirmed (a test hook can park the applier there). */
    public interface AfterStatement {

        void after(int number) throws InterruptedException;

        AfterStatement NONE = number -> {
        };
    }

    /** A statement the server refused: which one and why. */
    public static final class StatementFailedException extends Exception {

        private final int number;

        public StatementFailedException(int number, String sql, SQLException cause) {
            super("statement " + number + " failed: " + cause.getMessage() + " [" + sql.replace("\n", " ") + "]",
                    cause);
            this.number = number;
        }

        public int number() {
            return number;
        }
    }

    private final AfterStatement after;

    public PlanApplier(AfterStatement after) {
        this.after = after == null ? AfterStatement.NONE : after;
    }

    public PlanApplier() {
        this(AfterStatement.NONE);
    }

    /** Runs {@code statements} in order, journaling each; {@code log} gets one line per statement. */
    public void apply(Connection connection, List<PlannedStatement> statements, StatementJournal journal,
            Consumer<String> log) throws StatementFailedException, InterruptedException {
        for (PlannedStatement statement : statements) {
            journal.started(statement.number());
            log.accept("-- [" + statement.number() + "] running");
            try (Statement jdbc = connection.createStatement()) {
                jdbc.execute(statement.sql());
            } catch (SQLException e) {
                log.accept("-- [" + statement.number() + "] FAILED: " + e.getMessage());
                throw new StatementFailedException(statement.number(), statement.sql(), e);
            }
            journal.confirmed(statement.number(), "ran");
            log.accept(statement.sql() + ";");
            log.accept("-- [" + statement.number() + "] done");
            after.after(statement.number());
        }
    }

    /** Whether {@code statement} had landed, judged from the live schema (normalized like the plan's states). */
    public static Landing landing(PlannedStatement statement, Schema live) {
        if (statement.rerunnable()) {
            return Landing.RERUN;
        }
        if (matches(statement.after(), live.tables())) {
            return Landing.LANDED;
        }
        if (matches(statement.before(), live.tables())) {
            return Landing.NOT_LANDED;
        }
        return Landing.DIVERGED;
    }

    private static boolean matches(List<TableState> states, Map<String, Table> live) {
        for (TableState state : states) {
            Table table = live.get(state.table());
            String canonical = table == null ? null : SqlWriter.canonical(table);
            if (!Objects.equals(canonical, state.canonical())) {
                return false;
            }
        }
        return true;
    }
}
