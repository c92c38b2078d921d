package dev.patchflow.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class LandingZonesTest {

    private static final String FILE = """
            landing_zones:
              lz250nonprod:
                account_id: "250000000001"
                role_arn: arn:aws:iam::250000000001:role/PatchflowZone
                regions: [eu-west-1, eu-central-1]
                environment: nonprod
              cmsnonprod:
                account_id: "250000000002"
                role_arn: arn:aws:iam::250000000002:role/PatchflowZone
                external_id: patchflow-cms
                regions: [eu-west-1]
                environment: nonprod
              lz250prod:
                account_id: "250000000003"
                role_arn: arn:aws:iam::250000000003:role/PatchflowZone
                regions: [eu-west-1]
                environment: prod
            """;

    private final LandingZones zones = LandingZones.parse("landing-zone file lz.yaml", FILE);

    @Test
    void namedZonesAreSelectedInTheOrderGiven() {
        assertThat(zones.select(List.of("cmsnonprod", "lz250nonprod"), "nonprod")).extracting(LandingZone::name)
                .containsExactly("cmsnonprod", "lz250nonprod");
        assertThat(zones.find("cmsnonprod").orElseThrow().externalId()).contains("patchflow-cms");
        assertThat(zones.find("lz250nonprod").orElseThrow().regions()).containsExactly("eu-west-1", "eu-central-1");
    }

    @Test
    void anEnvironmentAloneSelectsEveryZoneOfThatEnvironment() {
        assertThat(zones.select(List.of(), "NonProd")).extracting(LandingZone::name)
                .containsExactly("cmsnonprod", "lz250nonprod");
        assertThat(zones.select(List.of(), null)).hasSize(3);
    }

    @Test
    void anUnknownZoneNameIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> zones.select(List.of("lz999"), null)).isInstanceOf(LandingZoneException.class)
                .hasMessage("unknown landing zone 'lz999' (known: cmsnonprod, lz250nonprod, lz250prod)");
    }

    @Test
    void aZoneOfAnotherEnvironmentIsRefused() {
        assertThatThrownBy(() -> zones.select(List.of("lz250prod"), "nonprod"))
                .hasMessage("landing zone 'lz250prod' is a prod zone, not nonprod");
    }

    @Test
    void aRoleArnThatIsNotAnArnIsRefusedNamingTheZoneAndField() {
        assertThatThrownBy(() -> LandingZones.parse("landing-zone file lz.yaml", """
                landing_zones:
                  lz1:
                    account_id: "250000000001"
                    role_arn: PatchflowZone
                    regions: [eu-west-1]
                    environment: nonprod
                """)).isInstanceOf(LandingZoneException.class)
                .hasMessage("landing-zone file lz.yaml: landing zone 'lz1': role_arn 'PatchflowZone' is not an IAM"
                        + " role ARN (arn:aws:iam::<12-digit account>:role/<name>)");
    }

    @Test
    void aRoleOfAnotherAccountAnUnknownFieldAndABadRegionAreAllNamed() {
        assertThatThrownBy(() -> LandingZones.parse("f", """
                landing_zones:
                  lz1:
                    account_id: "250000000001"
                    role_arn: arn:aws:iam::999999999999:role/X
                    region: [eu-west-1]
                    regions: [eu-nowhere]
                    environment: nonprod
                """)).hasMessageContaining("unknown field 'region'")
                .hasMessageContaining("is a role of account 999999999999, not of the zone's account_id 250000000001")
                .hasMessageContaining("'eu-nowhere' is not an AWS region name");
    }

    @Test
    void malformedYamlNamesTheLine() {
        assertThatThrownBy(() -> LandingZones.parse("landing-zone file lz.yaml", "landing_zones:\n  lz1: [\n"))
                .hasMessageStartingWith("landing-zone file lz.yaml is not valid YAML (line");
        assertThatThrownBy(() -> LandingZones.parse("f", "zones: {}\n"))
                .hasMessageContaining("has no 'landing_zones' mapping");
    }

    @Test
    void theExternalIdIsNeverPrinted() {
        assertThat(zones.find("cmsnonprod").orElseThrow().toString()).doesNotContain("patchflow-cms");
    }

    @Test
    void sessionNamesNameTheRunWithinStsLimits() {
        assertThat(AwsClients.sessionName("run-20261120-120000-k3x9qa"))
                .isEqualTo("patchflow-run-20261120-120000-k3x9qa");
        assertThat(AwsClients.sessionName("r".repeat(100))).hasSize(64);
    }
}
