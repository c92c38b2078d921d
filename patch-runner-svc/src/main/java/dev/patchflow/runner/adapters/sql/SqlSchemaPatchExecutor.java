package dev.patchflow.runner.adapters.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import dev.patchflow.pkg.source.PackageSource;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.PatchExecutor;
import dev.patchflow.runner.domain.SchemaJournal;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.sqlschema.SchemaPlans;
import dev.patchflow.sqlschema.apply.Landing;
import dev.patchflow.sqlschema.apply.PlanApplier;
import dev.patchflow.sqlschema.apply.StatementJournal;
import dev.patchflow.sqlschema.live.Connections;
import dev.patchflow.sqlschema.live.LiveSchema;
import dev.patchflow.sqlschema.live.LiveSchemaReader;
import dev.patchflow.sqlschema.model.Normalizer;
import dev.patchflow.sqlschema.parse.ParsedSchema;
import dev.patchflow.sqlschema.parse.SchemaParseException;
import dev.patchflow.sqlschema.parse.SchemaParser;
import dev.patchflow.sqlschema.plan.Destructive;
import dev.patchflow.sqlschema.plan.Differ;
import dev.patchflow.sqlschema.plan.Guard;
import dev.patchflow.sqlschema.plan.Plan;
import dev.patchflow.sqlschema.plan.PlannedStatement;
import dev.patchflow.sqlschema.plan.TableState;

/**
 * The {@code sql-schema} executor: brings a {@code mysql} target's schema to the desired one
 * ({@code patch.parameters.schema}, an {@code s3://<catalog-bucket>/…} or {@code http(s)://} location of
 * CREATE TABLE statements). Plan → guard (destructive kinds refused unless {@code patch.parameters.allow} names
 * them) → apply, each statement journaled in the runner's store before and after it runs → verify (the live
 * schema read back must diff to nothing). A runner killed mid-plan resumes from the first statement not
 * confirmed, after re-reading the live schema: a statement that landed is confirmed, not run again.
 */
public final class SqlSchemaPatchExecutor implements PatchExecutor {

    public static final String NAME = "sql-schema";
    public static final String PARAM_SCHEMA = "schema";
    public static final String PARAM_ALLOW = "allow";
    private static final Logger LOG = Logger.getLogger(SqlSchemaPatchExecutor.class);
    private static final int MAX_SCHEMA_BYTES = 16 * 1024 * 1024;

    private final PackageSource source;
    private final SchemaJournal journal;
    private final Connections connections;
    private final PlanApplier.AfterStatement afterStatement;

    public SqlSchemaPatchExecutor(PackageSource source, SchemaJournal journal, Connections connections,
            PlanApplier.AfterStatement afterStatement) {
        this.source = source;
        this.journal = journal;
        this.connections = connections;
        this.afterStatement = afterStatement == null ? PlanApplier.AfterStatement.NONE : afterStatement;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> describe(RunContext run, Target target) {
        return Map.of(PARAM_SCHEMA, String.valueOf(run.patch().parameters().get(PARAM_SCHEMA)));
    }

    @Override
    public ExecutionResult execute(ExecutionRequest request) {
        long started = System.nanoTime();
        Map<String, String> details = new TreeMap<>();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(request.output(), StandardCharsets.UTF_8),
                true)) {
            try {
                return run(request, details, out, started);
            } catch (Refusal refusal) {
                out.println("-- FAILED: " + refusal.getMessage());
                return ExecutionResult.failure(refusal.getMessage(), null, since(started), details);
            }
        } catch (IOException e) {
            return ExecutionResult.failure("cannot write the output: " + e.getMessage(), null, since(started), details);
        }
    }

    /** A reason the target fails, said for the report. */
    private static final class Refusal extends Exception {

        Refusal(String message) {
            super(message);
        }
    }

    private ExecutionResult run(ExecutionRequest request, Map<String, String> details, PrintWriter out, long started)
            throws Refusal {
        Target target = request.target();
        DatabaseTarget database = target.database();
        if (database == null || database.url() == null || database.url().isBlank()) {
            throw new Refusal("target " + target.id() + " has no database.url: the sql-schema executor needs a "
                    + "mysql target with a JDBC URL");
        }
        Map<String, String> parameters = request.patch().parameters();
        String location = parameters.get(PARAM_SCHEMA);
        if (location == null || location.isBlank()) {
            throw new Refusal("parameter schema is missing: the desired schema's s3:// or http(s):// location");
        }
        details.put(PARAM_SCHEMA, location);
        Set<Destructive> allowed;
        try {
            allowed = Guard.parseAllowances(parameters.get(PARAM_ALLOW));
        } catch (IllegalArgumentException e) {
            throw new Refusal("parameter allow: " + e.getMessage());
        }
        String schemaName;
        try {
            schemaName = database.schema() != null && !database.schema().isBlank()
                    ? database.schema()
                    : SchemaPlans.schemaOf(database.url());
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage());
        }
        String desiredText = fetch(location);
        return converge(request, database, schemaName, location, desiredText, allowed, details, out, started);
    }

    /**
     * The schema step of a release package ({@code package} executor): brings the target's database to
     * {@code desiredText} (the package's schema file, named {@code source}) exactly as a {@code sql-schema} patch
     * would, with the patch's {@code allow}. A failure is returned, not thrown: the caller rolls its files back.
     */
    public ExecutionResult applyDesired(ExecutionRequest request, String source, String desiredText,
            Map<String, String> details, PrintWriter out) {
        long started = System.nanoTime();
        try {
            DatabaseTarget database = request.target().database();
            if (database == null || database.url() == null || database.url().isBlank()) {
                throw new Refusal("target " + request.target().id() + " has no database.url for the package's "
                        + "schema");
            }
            Set<Destructive> allowed;
            try {
                allowed = Guard.parseAllowances(request.patch().parameters().get(PARAM_ALLOW));
            } catch (IllegalArgumentException e) {
                throw new Refusal("parameter allow: " + e.getMessage());
            }
            String schemaName;
            try {
                schemaName = database.schema() != null && !database.schema().isBlank()
                        ? database.schema()
                        : SchemaPlans.schemaOf(database.url());
            } catch (IllegalArgumentException e) {
                throw new Refusal(e.getMessage());
            }
            return converge(request, database, schemaName, source, desiredText, allowed, details, out, started);
        } catch (Refusal refusal) {
            out.println("-- FAILED: " + refusal.getMessage());
            return ExecutionResult.failure(refusal.getMessage(), null, since(started), details);
        }
    }

    private ExecutionResult converge(ExecutionRequest request, DatabaseTarget database, String schemaName,
            String location, String desiredText, Set<Destructive> allowed, Map<String, String> details,
            PrintWriter out, long started) throws Refusal {
        Target target = request.target();
        details.put("database", schemaName);
        details.put("desiredSha256", sha256(desiredText));
        ParsedSchema desired;
        try {
            desired = new SchemaParser().parse(location, desiredText);
        } catch (SchemaParseException e) {
            throw new Refusal("desired schema unreadable: " + e.getMessage());
        }
        String runTargetId = request.run().runId() + "/" + target.id();
        long token = request.lock() == null ? 0 : request.lock().token();
        try (Connection connection = connections.open(database.url(), database.credentialsRef())) {
            connection.setCatalog(schemaName);
            LiveSchemaReader reader = new LiveSchemaReader();
            var earlier = request.dryRun()
                    ? java.util.Optional.<SchemaJournal.Journal>empty()
                    : journal.find(runTargetId).filter(j -> !j.complete());
            int ran = 0;
            int found = 0;
            if (earlier.isPresent()) {
                SchemaJournal.Journal resumed = earlier.get();
                if (!journal.claim(runTargetId, token)) {
                    throw new SchemaJournal.FencedOut(runTargetId, token);
                }
                LiveSchema live = reader.read(connection, schemaName);
                List<PlannedStatement> remaining = new ArrayList<>();
                boolean landedSoFar = true;
                for (SchemaJournal.Entry entry : resumed.statements()) {
                    if (resumed.confirmed().containsKey(entry.number())) {
                        continue;
                    }
                    PlannedStatement statement = toStatement(entry);
                    if (landedSoFar) {
                        Landing landing = PlanApplier.landing(statement, live.schema());
                        out.println("-- [" + entry.number() + "] after the restart: " + landing);
                        if (landing == Landing.LANDED) {
                            journal.confirmed(runTargetId, entry.number(), "found applied", token);
                            found++;
                            continue;
                        }
                        if (landing == Landing.DIVERGED) {
                            throw new Refusal("resuming the interrupted plan: statement " + entry.number() + " ("
                                    + oneLine(entry.sql()) + ") finds tables " + entry.after().keySet()
                                    + " neither as before it nor as after it: the live schema changed outside "
                                    + "this plan");
                        }
                        landedSoFar = false;
                    }
                    remaining.add(statement);
                }
                details.put("resumed", found + " statement(s) found applied, " + remaining.size()
                        + " run after the restart");
                LOG.infof("%s: resuming the schema plan: %d statement(s) found applied, %d to run", runTargetId, found,
                        remaining.size());
                apply(connection, remaining, runTargetId, token, out);
                ran = remaining.size();
                details.put("statements", Integer.toString(resumed.statements().size()));
            } else {
                SchemaPlans.LivePlan livePlan = SchemaPlans.plan(connection, schemaName, desired);
                Plan plan = livePlan.plan();
                out.print(plan.render());
                details.put("statements", Integer.toString(plan.statements().size()));
                if (!plan.destructive().isEmpty()) {
                    details.put("destructive", plan.destructive().stream().map(Destructive::key).sorted()
                            .collect(Collectors.joining(",")));
                }
                if (plan.isEmpty()) {
                    return ExecutionResult.success(PatchStatus.ALREADY_APPLIED, since(started), details);
                }
                List<Guard.Offence> refused = Guard.check(plan, allowed);
                if (!refused.isEmpty()) {
                    details.put("refusal", "DESTRUCTIVE");
                    out.println("-- refused: " + Guard.describe(refused).replace("\n", "\n-- refused: "));
                    throw new Refusal("schema plan refused: " + refused.size() + " destructive statement(s) need "
                            + "allowances (patch.parameters.allow): " + Guard.describe(refused).replace("\n", "; "));
                }
                if (request.dryRun()) {
                    return ExecutionResult.success(null, since(started), details);
                }
                journal.create(runTargetId, details.get("desiredSha256"), plan.statements().stream()
                        .map(SqlSchemaPatchExecutor::toEntry).toList(), token);
                apply(connection, plan.statements(), runTargetId, token, out);
                ran = plan.statements().size();
            }
            details.put("ran", Integer.toString(ran));
            details.put("foundApplied", Integer.toString(found));
            // verify: the live schema read back must be the desired one
            LiveSchema after = reader.read(connection, schemaName);
            Plan rest = new Differ(LiveSchemaReader.probe(connection, schemaName)).diff(after.schema(),
                    new Normalizer(after.defaults()).normalize(desired.schema()), desired.renames());
            if (!rest.isEmpty()) {
                details.put("verified", "false");
                out.print("-- verify: the live schema still differs:\n" + rest.render());
                throw new Refusal("verify failed: the live schema differs from the desired one after the plan: "
                        + rest.statements().stream().flatMap(s -> s.changes().stream())
                                .map(change -> change.description()).limit(5).collect(Collectors.joining("; ")));
            }
            details.put("verified", "true");
            out.println("-- verified: the live schema equals the desired one");
            return ExecutionResult.success(0, since(started), details);
        } catch (SQLException e) {
            throw new Refusal("database error on " + database.url() + ": " + e.getMessage());
        } catch (SchemaParseException e) {
            throw new Refusal("the live schema cannot be read: " + e.getMessage());
        } catch (PlanApplier.StatementFailedException e) {
            throw new Refusal("schema plan failed at " + e.getMessage()
                    + " (DDL is not transactional: the statements before it stay applied; a new run plans from "
                    + "there)");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new Refusal("schema plan: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal("interrupted");
        }
    }

    private void apply(Connection connection, List<PlannedStatement> statements, String runTargetId, long token,
            PrintWriter out) throws PlanApplier.StatementFailedException, InterruptedException {
        StatementJournal journaled = new StatementJournal() {

            @Override
            public void started(int number) {
                journal.started(runTargetId, number, token);
            }

            @Override
            public void confirmed(int number, String how) {
                journal.confirmed(runTargetId, number, how, token);
            }
        };
        new PlanApplier(afterStatement).apply(connection, statements, journaled, out::println);
    }

    private String fetch(String location) throws Refusal {
        URI uri;
        try {
            uri = URI.create(location);
        } catch (IllegalArgumentException e) {
            throw new Refusal("parameter schema is not a location: " + location);
        }
        if (!source.supports(uri)) {
            throw new Refusal("parameter schema " + location + ": only s3://<catalog-bucket>/… and http(s)://… are "
                    + "read");
        }
        try (InputStream in = source.open(uri)) {
            byte[] bytes = in.readNBytes(MAX_SCHEMA_BYTES + 1);
            if (bytes.length > MAX_SCHEMA_BYTES) {
                throw new Refusal("desired schema " + location + " is larger than " + MAX_SCHEMA_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Refusal("cannot read the desired schema: " + e.getMessage());
        }
    }

    private static SchemaJournal.Entry toEntry(PlannedStatement statement) {
        return new SchemaJournal.Entry(statement.number(), statement.sql(), states(statement.before()),
                states(statement.after()), statement.rerunnable());
    }

    private static Map<String, String> states(List<TableState> states) {
        Map<String, String> map = new LinkedHashMap<>();
        states.forEach(state -> map.put(state.table(), state.canonical()));
        return map;
    }

    private static PlannedStatement toStatement(SchemaJournal.Entry entry) {
        List<TableState> before = new ArrayList<>();
        entry.before().forEach((table, canonical) -> before.add(new TableState(table, canonical)));
        List<TableState> after = new ArrayList<>();
        entry.after().forEach((table, canonical) -> after.add(new TableState(table, canonical)));
        return new PlannedStatement(entry.number(), entry.sql(), List.of(), before, after, entry.rerunnable());
    }

    private static String oneLine(String sql) {
        return sql.replace("\n", " ").replaceAll(" +", " ");
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
