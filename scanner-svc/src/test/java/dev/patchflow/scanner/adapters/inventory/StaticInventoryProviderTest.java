package dev.patchflow.scanner.adapters.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.scanner.domain.TargetFilter;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

class StaticInventoryProviderTest {

    @TempDir
    Path dir;

    private StaticInventoryProvider provider() {
        return new StaticInventoryProvider(new SourcePaths(dir));
    }

    private List<Target> discover(String source) {
        return provider().discover(new TargetSelector("static", source, null, null, null));
    }

    @Test
    void readsEveryAttributeFromAYamlInventory() throws IOException {
        Files.writeString(dir.resolve("inventory.yaml"), """
                targets:
                  - id: web-01
                    name: Web 01
                    environment: prod
                    landingZone: lz-prod-a
                    labels: {tier: web, team: blue}
                    address: 10.0.0.1
                    platform: linux
                    arch: x86_64
                    state: running
                    clusterId: c1
                    role: primary
                  - id: web-02
                """);

        List<Target> targets = discover("inventory.yaml");

        assertThat(targets).containsExactly(
                new Target("web-01", "Web 01", "static", "prod", "lz-prod-a", Map.of("tier", "web", "team", "blue"),
                        "10.0.0.1", "linux", "x86_64", "running", null, null, "c1", "primary"),
                new Target("web-02", "web-02", "static", null, null, Map.of(), null, null, null, null, null, null,
                        null, null));
    }

    @Test
    void readsAJsonInventoryByAbsolutePath() throws IOException {
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, """
                {"targets": [{"id": "db-1", "environment": "dev", "labels": {"tier": "db"}}]}
                """);

        assertThat(discover(file.toString())).extracting(Target::id, Target::environment, Target::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("db-1", "dev", "static"));
    }

    @Test
    void aDatabaseEntryIsAMysqlTargetWithItsUrlSchemaAndCredentialsReference() throws IOException {
        Files.writeString(dir.resolve("dbs.yaml"), """
                targets:
                  - id: shop-db
                    environment: prod
                    database: {engine: mysql, url: "jdbc:mariadb://db1:3306/shop", schema: shop,
                               credentialsRef: "file:/etc/patchflow/db/shop.properties"}
                """);

        Target target = discover("dbs.yaml").get(0);

        assertThat(target.kind()).isEqualTo(Target.KIND_MYSQL);
        assertThat(target.database().url()).isEqualTo("jdbc:mariadb://db1:3306/shop");
        assertThat(target.database().schema()).isEqualTo("shop");
        assertThat(target.database().credentialsRef()).isEqualTo("file:/etc/patchflow/db/shop.properties");
    }

    @Test
    void aDatabaseUrlWithCredentialsIsRejected() throws IOException {
        Files.writeString(dir.resolve("leak.yaml"), """
                targets:
                  - {id: a, database: {url: "jdbc:mariadb://db1/shop?user=app&password=secret"}}
                """);
        Files.writeString(dir.resolve("leak2.yaml"), """
                targets:
                  - {id: a, database: {url: "jdbc:mysql://app:secret@db1/shop"}}
                """);

        assertThatThrownBy(() -> discover("leak.yaml")).isInstanceOf(RejectedRunException.class)
                .hasMessageContaining("targets[0].database.url carries credentials").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> discover("leak2.yaml")).hasMessageContaining("carries credentials");
    }

    @Test
    void selectionAppliesToStaticTargets() throws IOException {
        Files.writeString(dir.resolve("inventory.yml"), """
                targets:
                  - {id: a, environment: dev, landingZone: lz-1, labels: {tier: web}}
                  - {id: b, environment: dev, landingZone: lz-2, labels: {tier: db}}
                  - {id: c, environment: prod, landingZone: lz-1, labels: {tier: web}}
                """);
        TargetSelector selector = new TargetSelector("static", "inventory.yml", "Dev", List.of("lz-1", "lz-2"),
                Map.of("tier", "web"));

        assertThat(TargetFilter.select(selector, provider().discover(selector))).extracting(Target::id)
                .containsExactly("a");
    }

    @Test
    void readsAYamlInventoryLargerThanSnakeYamlsDefaultLimit() throws IOException {
        // 50,000 targets, ~3.6 Mi code points: SnakeYAML's default limit (3 Mi) would refuse the file.
        StringBuilder yaml = new StringBuilder("targets:\n");
        for (int i = 0; i < 50_000; i++) {
            yaml.append(String.format("- id: host-%06d%n  environment: prod%n  labels: {tier: web, rack: r%03d}%n", i,
                    i % 1000));
        }
        assertThat(yaml.codePointCount(0, yaml.length())).isGreaterThan(3 * 1024 * 1024);
        Files.writeString(dir.resolve("fleet.yaml"), yaml);

        List<Target> targets = discover("fleet.yaml");

        assertThat(targets).hasSize(50_000);
        assertThat(targets.get(49_999).id()).isEqualTo("host-049999");
    }

    @Test
    void rejectsAMissingFileNamingIt() {
        assertThatThrownBy(() -> discover("nope.yaml")).isInstanceOf(RejectedRunException.class)
                .hasMessage("inventory file " + dir.resolve("nope.yaml") + " does not exist");
    }

    @Test
    void rejectsUnparsableYamlWithTheLine() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), """
                targets:
                  - id: a
                   name: [unclosed
                """);

        assertThatThrownBy(() -> discover("bad.yaml")).isInstanceOf(RejectedRunException.class)
                .hasMessageStartingWith("inventory file " + dir.resolve("bad.yaml") + " is not valid YAML (line ");
    }

    @Test
    void rejectsUnparsableJsonWithTheLine() throws IOException {
        Files.writeString(dir.resolve("bad.json"), "{\"targets\": [\n{\"id\": \"a\",,}]}");

        assertThatThrownBy(() -> discover("bad.json")).isInstanceOf(RejectedRunException.class)
                .hasMessageStartingWith("inventory file " + dir.resolve("bad.json") + " is not valid JSON (line 2,");
    }

    @Test
    void rejectsAnUnknownFieldNamingItAndItsLine() throws IOException {
        Files.writeString(dir.resolve("typo.yaml"), """
                targets:
                  - id: a
                    enviroment: dev
                """);

        assertThatThrownBy(() -> discover("typo.yaml")).isInstanceOf(RejectedRunException.class)
                .hasMessageStartingWith("inventory file " + dir.resolve("typo.yaml")
                        + ": unknown field 'targets[0].enviroment' (line 3)");
    }

    @Test
    void rejectsAFieldOfTheWrongType() throws IOException {
        Files.writeString(dir.resolve("labels.yaml"), """
                targets:
                  - id: a
                    labels: [web]
                """);

        assertThatThrownBy(() -> discover("labels.yaml")).isInstanceOf(RejectedRunException.class)
                .hasMessageStartingWith(
                        "inventory file " + dir.resolve("labels.yaml")
                                + ": field 'targets[0].labels' has the wrong type");
    }

    @Test
    void rejectsAFileWithoutTargets() throws IOException {
        Files.writeString(dir.resolve("empty.yaml"), "");

        assertThatThrownBy(() -> discover("empty.yaml")).isInstanceOf(RejectedRunException.class)
                .hasMessage("inventory file " + dir.resolve("empty.yaml") + " has no 'targets' list");
    }

    @Test
    void rejectsATargetWithoutIdOrWithABadOrDuplicateId() throws IOException {
        Files.writeString(dir.resolve("noid.yaml"), "targets:\n  - id: a\n  - name: b\n");
        Files.writeString(dir.resolve("slash.yaml"), "targets:\n  - id: a/b\n");
        Files.writeString(dir.resolve("dup.yaml"), "targets:\n  - id: a\n  - id: b\n  - id: a\n");

        assertThatThrownBy(() -> discover("noid.yaml"))
                .hasMessage("inventory file " + dir.resolve("noid.yaml") + ": targets[1] has no id");
        assertThatThrownBy(() -> discover("slash.yaml"))
                .hasMessageStartingWith("inventory file " + dir.resolve("slash.yaml") + ": targets[0].id 'a/b' is not a"
                        + " valid target id");
        assertThatThrownBy(() -> discover("dup.yaml")).hasMessage(
                "inventory file " + dir.resolve("dup.yaml") + ": target id 'a' is used by targets[0] and targets[2]");
    }

    @Test
    void acceptsAnEmptyTargetList() throws IOException {
        Files.writeString(dir.resolve("none.yaml"), "targets: []\n");

        assertThat(discover("none.yaml")).isEmpty();
    }

    @Test
    void readsTheRepositoryExampleInventory() {
        // The example that the README and patchctl point at must stay readable by the provider.
        Path example = Path.of("..", "examples", "inventory", "static-inventory.yaml").toAbsolutePath();

        List<Target> targets = discover(example.toString());

        assertThat(targets).extracting(Target::id).contains("web-01", "db-01", "web-prod-01");
        assertThat(targets).filteredOn(t -> t.id().equals("db-01")).singleElement()
                .extracting(Target::clusterId, Target::role).containsExactly("orders-db", "primary");
    }
}
