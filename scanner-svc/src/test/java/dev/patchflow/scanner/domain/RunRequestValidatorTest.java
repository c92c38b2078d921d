package dev.patchflow.scanner.domain;

import static dev.patchflow.scanner.support.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.patchflow.scanner.adapters.inventory.DatabaseInventoryProvider;
import dev.patchflow.scanner.adapters.inventory.DirectoryInventoryProvider;
import dev.patchflow.scanner.adapters.inventory.SourcePaths;
import dev.patchflow.scanner.adapters.inventory.StaticInventoryProvider;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

class RunRequestValidatorTest {

    private final SourcePaths paths = new SourcePaths(Path.of("."));
    private final RunRequestValidator validator = new RunRequestValidator(
            new InventoryProviders(List.of(new StaticInventoryProvider(paths),
                    new DirectoryInventoryProvider(paths, "linux", "x86_64"))),
            Set.of("process", "package", "sql-schema"));

    @Test
    void acceptsAValidRequest() {
        assertThat(validator.problems(request().build())).isEmpty();
    }

    @Test
    void rejectsAnUnknownProviderNamingTheKnownOnes() {
        assertThat(validator.problems(request().targets("ec2", "x").build()))
                .containsExactly("unknown inventory provider 'ec2' (known: directory, static)");
    }

    @Test
    void rejectsAMissingTargetsSelector() {
        assertThat(validator.problems(request().targets((TargetSelector) null).build()))
                .containsExactly("no targets selector: the request must say which targets to patch");
    }

    @Test
    void rejectsAMissingSourceSayingWhatTheProviderNeeds() {
        assertThat(validator.problems(request().targets("static", " ").checks().build())).containsExactly(
                "targets.source is missing: the static provider needs an inventory file (YAML or JSON)");
        assertThat(validator.problems(request().targets("directory", null).build())).containsExactly(
                "targets.source is missing: the directory provider needs a root folder holding the application installs");
    }

    @Test
    void rejectsMaxConcurrencyOutsideItsRange() {
        assertThat(validator.problems(request().maxConcurrency("0%").build()))
                .containsExactly("rollout.maxConcurrency '0%' must be at least 1");
        assertThat(validator.problems(request().maxConcurrency("150%").build()))
                .containsExactly("rollout.maxConcurrency '150%' is more than 100%");
        assertThat(validator.problems(request().maxConcurrency("99999999999").build()))
                .containsExactly("rollout.maxConcurrency '99999999999' is too large");
        assertThat(validator.problems(request().maxConcurrency("ten").build()))
                .containsExactly("rollout.maxConcurrency 'ten' is not a number or a percentage");
        assertThat(validator.problems(request().maxConcurrency("100%").build())).isEmpty();
    }

    @Test
    void rejectsACheckTypeTheValidatorCannotRun() {
        assertThat(validator.problems(request().checks(new CheckSpec("ping", "icmp", null, null, null, null, null))
                .build()))
                .containsExactly("check 0 ('ping'): the validator cannot run checks of type 'icmp' (known: command,"
                        + " http, kubernetes, version, db-version, db-cluster, schema, aws-backup-image,"
                        + " aws-instance-running, aws-patch-compliance, aws-ssm-online)");
    }

    @Test
    void databaseChecksNeedDatabaseTargetsAndTheDbClusterExecutorNeedsAnUpdateCommand() {
        RunRequestValidator withDb = new RunRequestValidator(new InventoryProviders(List.of(
                new StaticInventoryProvider(paths), new DatabaseInventoryProvider(paths, null))),
                Set.of("process", "db-cluster"));
        CheckSpec version = new CheckSpec("version", CheckSpec.DB_VERSION, null, null, null, null, null);

        assertThat(withDb.problems(request().checks(version).targets("static", "inventory.yaml").build()))
                .containsExactly("check 0 ('version'): a "
                        + "db-version check asks a database cluster, which static targets are not (use the database provider)");
        PatchRequested onDatabase = request().checks(version).targets("database", "clusters.yaml")
                .patch(new PatchSpec("pg", "15.9", "db-cluster", List.of(), null, null)).build();
        assertThat(withDb.problems(onDatabase)).containsExactly(
                "patch.command is empty: the db-cluster executor runs it on each node as the update step");
    }

    @Test
    void rejectsAVersionCheckOnTargetsWithoutInstallFolders() {
        assertThat(validator.problems(request().targets("static", "inventory.yaml")
                .checks(new CheckSpec("version", "version", null, null, null, null, null))
                .build())).containsExactly(
                        "check 0 ('version'): a version check reads the install folder, which static targets do not have");
    }

    @Test
    void rejectsAVersionFileOutsideTheInstall() {
        assertThat(validator.problems(request().checks(new CheckSpec("v", "version", null, null, null, "../x", null))
                .build()))
                .containsExactly("check 0 ('v'): versionFile '../x' must be a path inside the install folder");
    }

    @Test
    void rejectsACommandCheckWithoutItsCommand() {
        assertThat(validator.problems(request().checks(new CheckSpec("health", "command", List.of(), null, null, null,
                null)).build())).containsExactly("check 0 ('health'): a command check needs a command (argv)");
    }

    @Test
    void rejectsAnHttpCheckWithoutAUsableUrl() {
        assertThat(validator.problems(request().checks(new CheckSpec("up", "http", null, null, null, null, null))
                .build())).containsExactly("check 0 ('up'): an http check needs a url");
        assertThat(validator.problems(request().checks(new CheckSpec("up", "http", null, "ftp://h/x", null, null,
                null)).build())).containsExactly("check 0 ('up'): url 'ftp://h/x' is not an http(s) URL");
        assertThat(validator.problems(request().checks(new CheckSpec("up", "http", null, "http://${host}/x", null,
                null, null)).build())).containsExactly(
                        "check 0 ('up'): unknown placeholder ${host} in url (known: ${address}, ${id})");
        assertThat(validator.problems(request().checks(new CheckSpec("up", "http", null,
                "http://${address}:8080/health/${id}", 200, null, null)).build())).isEmpty();
    }

    @Test
    void rejectsTwoChecksWithTheSameName() {
        assertThat(validator.problems(request().checks(new CheckSpec("c", "command", List.of("true"), null, null, null,
                null), new CheckSpec("c", "command", List.of("true"), null, null, null, null)).build()))
                .containsExactly("check 1 ('c'): the name is used twice; the report tells checks apart by name");
    }

    @Test
    void rejectsAnUnknownExecutorAndAMissingPatchCommand() {
        assertThat(validator.problems(request().patch(new PatchSpec("p", "1", "ansible", List.of("x"), null, null))
                .build())).containsExactly("unknown patch executor 'ansible' (known: package, process, sql-schema)");
        assertThat(validator.problems(request().patch(new PatchSpec("p", "1", null, List.of(), null, null)).build()))
                .containsExactly("patch.command is empty: the process executor needs the program and its arguments");
    }

    @Test
    void acceptsAPackagePatchWithAPublishedManifestAndNoCommand() {
        assertThat(validator.problems(request().patch(new PatchSpec("app", "1.1.0", "package", List.of(), null,
                Map.of("manifest", "s3://patchflow-catalog/app/1.1.0/manifest.json"))).build())).isEmpty();
    }

    @Test
    void aSqlSchemaPatchNeedsAFetchableDesiredSchemaAndASchemaCheckFindsItThere() {
        PatchSpec schema = new PatchSpec("shop", "2.0.0", "sql-schema", List.of(), null,
                Map.of("schema", "s3://patchflow-catalog/shop/2.0.0/schema.sql"));
        assertThat(validator.problems(request().patch(schema).checks(new CheckSpec("schema", "schema", null, null,
                null, null, null)).build())).isEmpty();
        assertThat(validator.problems(request().patch(new PatchSpec("shop", "2.0.0", "sql-schema", List.of(), null,
                Map.of("schema", "/tmp/schema.sql"))).build())).singleElement().asString()
                .contains("patch.parameters.schema '/tmp/schema.sql' is not an s3:// or http(s):// location");
        assertThat(validator.problems(request().checks(new CheckSpec("schema", "schema", null, null, null, null,
                null)).build())).singleElement().asString().contains("a schema check needs the desired schema");
    }

    @Test
    void rejectsAPackagePatchWithoutAFetchableManifest() {
        assertThat(validator.problems(request().patch(new PatchSpec("app", "1.1.0", "package", List.of(), null,
                Map.of())).build())).singleElement().asString().contains("patch.parameters.manifest is missing");
        assertThat(validator.problems(request().patch(new PatchSpec("app", "1.1.0", "package", List.of(), null,
                Map.of("manifest", "/tmp/manifest.json"))).build())).singleElement().asString()
                .contains("not an s3:// or http(s):// URI");
    }

    @Test
    void acceptsAMissingPatchCommandWhenThePatchPhaseIsOff() {
        assertThat(validator.problems(request().patch(new PatchSpec("p", "1", null, List.of(), null, null))
                .options(new RunOptions(false, Phases.SCANNER_ONLY, null, List.of()))
                .build())).isEmpty();
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThat(validator.problems(request().targets("nope", "x").maxConcurrency("101%")
                .checks(new CheckSpec("up", "http", null, null, null, null, null))
                .build())).hasSize(3);
    }

    @Test
    void acceptsSelectorsWithLabelsAndLandingZones() {
        assertThat(validator.problems(request().targets(new TargetSelector("directory", "/x", "dev", List.of("a"),
                Map.of("k", "v"))).build())).isEmpty();
    }
}
