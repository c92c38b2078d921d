package dev.patchflow.patchctl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.patchflow.patchctl.request.UsageException;
import dev.patchflow.sqlschema.SchemaPlans;
import dev.patchflow.sqlschema.live.Connections;
import dev.patchflow.sqlschema.model.ServerDefaults;
import dev.patchflow.sqlschema.parse.SchemaParseException;
import dev.patchflow.sqlschema.plan.Destructive;
import dev.patchflow.sqlschema.plan.Guard;
import dev.patchflow.sqlschema.plan.Plan;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code patchctl schema diff | plan}: the declarative schema plan of the {@code sql-schema} executor, printed as a
 * commented SQL script. The work is the {@code sql-schema} library's; these classes map flags and errors.
 */
@Command(name = "schema", mixinStandardHelpOptions = true, description = {
        "Declarative MySQL/MariaDB schemas: print the ordered plan (ALTER/CREATE/DROP statements, each commented "
                + "with what it changes and whether it is destructive) from one CREATE TABLE file to another, or "
                + "from a live server to a file."}, subcommands = {SchemaCommand.Diff.class,
                        SchemaCommand.PlanLive.class})
public class SchemaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** The flags both subcommands share: the desired file and the allowances the guard would get. */
    abstract static class PlanCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--to", required = true, paramLabel = "<b.sql>", description = "The desired schema: CREATE TABLE (and CREATE INDEX) statements; '-- @renamed from=<old>' comments rename.")
        Path to;

        @Option(names = "--allow", split = ",", paramLabel = "<kind>", description = "Destructive kinds to allow (drop-table, drop-column, narrow-type, change-charset, change-engine, change-primary-key, null-to-not-null); the others are refused (exit 7).")
        List<String> allow = List.of();

        static String read(Path file, String flag) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UsageException(flag + " " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")",
                        e);
            }
        }

        int print(Plan plan) {
            Set<Destructive> allowed;
            try {
                allowed = Guard.parseAllowances(String.join(",", allow));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--allow: " + e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(plan.render());
            out.flush();
            List<Guard.Offence> refused = Guard.check(plan, allowed);
            if (refused.isEmpty()) {
                return ExitCodes.OK;
            }
            PrintWriter err = spec.commandLine().getErr();
            err.println("refused: " + refused.size() + " destructive statement(s) need allowances (--allow):");
            err.println(Guard.describe(refused));
            err.flush();
            return ExitCodes.REFUSED;
        }

        static UsageException unreadable(SchemaParseException e) {
            return new UsageException(e.getMessage(), e);
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = {
            "The plan from one schema file to another (the release's previous and new schema), without a server.",
            "Without a server it is not known whether a column holds NULLs: a column becoming NOT NULL counts "
                    + "as destructive and gets an UPDATE that fills its NULLs."}, footer = {"",
                            "Exit codes: 0 printed, 2 usage or an unreadable schema (file:line:column and token), "
                                    + "7 destructive statements not allowed by --allow."})
    public static class Diff extends PlanCommand {

        @Option(names = "--from", required = true, paramLabel = "<a.sql>", description = "The current schema.")
        Path from;

        @Option(names = "--charset", defaultValue = "utf8mb4", paramLabel = "<charset>", description = "The schema's default character set, for tables that name none (default: ${DEFAULT-VALUE}).")
        String charset;

        @Option(names = "--collation", paramLabel = "<collation>", description = "The schema's default collation (default: the character set's, as MariaDB 10.11 has it).")
        String collation;

        @Override
        public Integer call() {
            String fromText = read(from, "--from");
            String toText = read(to, "--to");
            try {
                return print(SchemaPlans.diff(from.toString(), fromText, to.toString(), toText,
                        ServerDefaults.mariadb(charset, collation)));
            } catch (SchemaParseException e) {
                throw unreadable(e);
            }
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = {
            "The plan from a live MySQL/MariaDB schema to a schema file, read over JDBC; nothing is changed.",
            "Credentials never go in the URL: --credentials file:<properties with user, password> or "
                    + "env:<PREFIX> (PREFIX_USER, PREFIX_PASSWORD)."}, footer = {"",
                            "Exit codes: 0 printed, 1 server not reachable, 2 usage or an unreadable schema, "
                                    + "7 destructive statements not allowed by --allow."})
    public static class PlanLive extends PlanCommand {

        @Option(names = "--url", required = true, paramLabel = "<jdbc url>", description = "e.g. jdbc:mariadb://db1:3306/app (the schema is the URL's path unless --schema).")
        String url;

        @Option(names = "--schema", paramLabel = "<name>", description = "The schema to plan for (default: the URL's).")
        String schema;

        @Option(names = "--credentials", paramLabel = "<ref>", description = "file:<path> or env:<PREFIX>; none: the URL alone.")
        String credentials;

        @Override
        public Integer call() {
            String desired = read(to, "--to");
            String schemaName;
            try {
                schemaName = schema != null ? schema : SchemaPlans.schemaOf(url);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--url: " + e.getMessage(), e);
            }
            try (Connection connection = new Connections().open(url, credentials)) {
                return print(SchemaPlans.plan(connection, schemaName, to.toString(), desired).plan());
            } catch (SchemaParseException e) {
                throw unreadable(e);
            } catch (SQLException e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("error: " + e.getMessage());
                err.flush();
                return ExitCodes.UNREACHABLE;
            }
        }
    }
}
