package dev.patchflow.sqlschema;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;

import dev.patchflow.sqlschema.live.LiveSchema;
import dev.patchflow.sqlschema.live.LiveSchemaReader;
import dev.patchflow.sqlschema.model.Normalizer;
import dev.patchflow.sqlschema.model.Schema;
import dev.patchflow.sqlschema.model.ServerDefaults;
import dev.patchflow.sqlschema.parse.ParsedSchema;
import dev.patchflow.sqlschema.parse.SchemaParseException;
import dev.patchflow.sqlschema.parse.SchemaParser;
import dev.patchflow.sqlschema.plan.Differ;
import dev.patchflow.sqlschema.plan.Plan;

/** The library's entry points: a plan from one schema file to another, or from a live server to a schema file. */
public final class SchemaPlans {

    private SchemaPlans() {
    }

    /** A plan against a live schema, with what it was made from. */
    public record LivePlan(LiveSchema live, ParsedSchema desired, Schema normalizedDesired, Plan plan) {
    }

    /**
     * The plan that takes the schema of {@code fromText} to that of {@code toText}, both normalized with
     * {@code defaults} (without a server, a column going NOT NULL is counted destructive).
     */
    public static Plan diff(String fromSource, String fromText, String toSource, String toText,
            ServerDefaults defaults) throws SchemaParseException {
        SchemaParser parser = new SchemaParser();
        Normalizer normalizer = new Normalizer(defaults);
        Schema from = normalizer.normalize(parser.parse(fromSource, fromText).schema());
        ParsedSchema to = parser.parse(toSource, toText);
        return new Differ().diff(from, normalizer.normalize(to.schema()), to.renames());
    }

    /** The plan that takes {@code schemaName} on the server of {@code connection} to the desired text. */
    public static LivePlan plan(Connection connection, String schemaName, String desiredSource, String desiredText)
            throws SQLException, SchemaParseException {
        ParsedSchema desired = new SchemaParser().parse(desiredSource, desiredText);
        return plan(connection, schemaName, desired);
    }

    public static LivePlan plan(Connection connection, String schemaName, ParsedSchema desired)
            throws SQLException, SchemaParseException {
        LiveSchema live = new LiveSchemaReader().read(connection, schemaName);
        Schema normalized = new Normalizer(live.defaults()).normalize(desired.schema());
        Plan plan = new Differ(LiveSchemaReader.probe(connection, schemaName)).diff(live.schema(), normalized,
                desired.renames());
        return new LivePlan(live, desired, normalized, plan);
    }

    /** The schema (database) a JDBC URL names: {@code jdbc:mariadb://host:3306/app?x=y} → {@code app}. */
    public static String schemaOf(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("not a JDBC URL: " + jdbcUrl);
        }
        String path = URI.create(jdbcUrl.substring("jdbc:".length())).getPath();
        if (path == null || path.length() <= 1) {
            throw new IllegalArgumentException("the JDBC URL " + jdbcUrl + " names no schema (…/<schema>)");
        }
        return path.substring(1);
    }
}
