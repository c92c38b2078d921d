package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.EventSchemas;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;

import picocli.CommandLine;

/** A k8s-job request from flags: the kubernetes source is passed as written, the kubernetes check by name. */
class KubernetesRequestTest {

    @Test
    void aKubernetesSourceIsNotTakenForAPathAndTheKubernetesCheckIsAccepted() {
        List<String> args = new ArrayList<>(List.of("--patch-id", "rule-engine", "--patch-version", "5.17.0",
                "--provider", "kubernetes", "--inventory", "prod-eu/rules", "--label",
                "app.kubernetes.io/name=rule-engine",
                "--executor", "k8s-job", "--param", "image=registry.example.com/patches/rule-engine:5.17.0",
                "--param", "backupMongo=rules.rules", "--check", "kubernetes"));
        RequestCommand command = new RequestCommand();
        command.clock = Clock.fixed(Instant.parse("2026-11-21T09:00:00Z"), ZoneOffset.UTC);
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        PatchRequested request = command.request();

        assertThat(EventSchemas.instance().errors(EventType.PATCH_REQUESTED, EventJson.mapper().valueToTree(request)))
                .isEmpty();
        assertThat(request.targets().provider()).isEqualTo("kubernetes");
        assertThat(request.targets().source()).isEqualTo("prod-eu/rules");
        assertThat(request.patch().executor()).isEqualTo("k8s-job");
        assertThat(request.patch().parameters()).containsEntry("backupMongo", "rules.rules");
        assertThat(request.options().checks()).extracting(CheckSpec::type).containsExactly("kubernetes");
    }
}
