package dev.patchflow.validator.adapters.aws;

import java.util.Comparator;
import java.util.Optional;

import jakarta.inject.Singleton;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.aws.PatchflowTags;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceState;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;
import software.amazon.awssdk.services.ssm.model.InstancePatchState;

/** The four checks of seed 004's validation phase, plus patch compliance (read-only AWS calls). */
public final class AwsChecks {

    private AwsChecks() {
    }

    /** {@code aws-instance-running}: EC2 says the instance is {@code running}. */
    @Singleton
    public static class InstanceRunning extends AwsCheck {

        public InstanceRunning(LandingZoneSource zones, AwsClients clients) {
            super(zones, clients);
        }

        @Override
        public String type() {
            return CheckSpec.AWS_INSTANCE_RUNNING;
        }

        @Override
        CheckResult check(CheckSpec spec, Target target, RunContext run, Ec2Client ec2, SsmClient ssm) {
            String id = target.aws().instanceId();
            Optional<InstanceState> state = ec2.describeInstances(r -> r.instanceIds(id)).reservations().stream()
                    .flatMap(r -> r.instances().stream()).map(i -> i.state()).findFirst();
            if (state.isEmpty()) {
                return result(spec, false, "EC2 does not know instance " + id);
            }
            String name = state.get().nameAsString();
            return result(spec, "running".equals(name), "instance " + id + " is " + name);
        }
    }

    /** {@code aws-ssm-online}: SSM's ping status of the instance is {@code Online} (seed: {@code ssm_ping}). */
    @Singleton
    public static class SsmOnline extends AwsCheck {

        public SsmOnline(LandingZoneSource zones, AwsClients clients) {
            super(zones, clients);
        }

        @Override
        public String type() {
            return CheckSpec.AWS_SSM_ONLINE;
        }

        @Override
        CheckResult check(CheckSpec spec, Target target, RunContext run, Ec2Client ec2, SsmClient ssm) {
            String id = target.aws().instanceId();
            Optional<InstanceInformation> info = ssm.describeInstanceInformation(r -> r.filters(
                    InstanceInformationStringFilter.builder().key("InstanceIds").values(id).build()))
                    .instanceInformationList().stream().findFirst();
            if (info.isEmpty()) {
                return result(spec, false, "instance " + id + " is not managed by SSM");
            }
            String ping = info.get().pingStatusAsString();
            return result(spec, "Online".equals(ping), "SSM agent " + info.get().agentVersion() + " is " + ping);
        }
    }

    /** {@code aws-backup-image}: the AMI Patchflow made of the instance in this run is {@code available}. */
    @Singleton
    public static class BackupImage extends AwsCheck {

        public BackupImage(LandingZoneSource zones, AwsClients clients) {
            super(zones, clients);
        }

        @Override
        public String type() {
            return CheckSpec.AWS_BACKUP_IMAGE;
        }

        @Override
        CheckResult check(CheckSpec spec, Target target, RunContext run, Ec2Client ec2, SsmClient ssm) {
            Optional<Image> image = ec2.describeImages(r -> r.owners("self").filters(
                    Filter.builder().name(PatchflowTags.filter(PatchflowTags.RUN)).values(run.runId()).build(),
                    Filter.builder().name(PatchflowTags.filter(PatchflowTags.TARGET)).values(target.id()).build()))
                    .images().stream().max(Comparator.comparing(Image::creationDate,
                            Comparator.nullsFirst(Comparator.naturalOrder())));
            if (image.isEmpty()) {
                return result(spec, false, "no AMI tagged for run " + run.runId() + " and target " + target.id());
            }
            String state = image.get().stateAsString();
            return result(spec, "available".equals(state), "AMI " + image.get().imageId() + " is " + state);
        }
    }

    /**
     * {@code aws-patch-compliance}: DescribeInstancePatchStates reports no missing and no failed patch; patches
     * installed but waiting for a reboot are reported (and do not fail the check).
     */
    @Singleton
    public static class PatchCompliance extends AwsCheck {

        public PatchCompliance(LandingZoneSource zones, AwsClients clients) {
            super(zones, clients);
        }

        @Override
        public String type() {
            return CheckSpec.AWS_PATCH_COMPLIANCE;
        }

        @Override
        CheckResult check(CheckSpec spec, Target target, RunContext run, Ec2Client ec2, SsmClient ssm) {
            String id = target.aws().instanceId();
            Optional<InstancePatchState> state = ssm.describeInstancePatchStates(r -> r.instanceIds(id))
                    .instancePatchStates().stream().findFirst();
            if (state.isEmpty()) {
                return result(spec, false, "SSM has no patch state for " + id + " (never scanned or patched)");
            }
            InstancePatchState s = state.get();
            int missing = n(s.missingCount());
            int failed = n(s.failedCount());
            int reboot = n(s.installedPendingRebootCount());
            String detail = "missing " + missing + ", failed " + failed + ", installed " + n(s.installedCount())
                    + (reboot > 0 ? ", " + reboot + " pending reboot" : "") + " (baseline " + s.baselineId() + ")";
            return result(spec, missing == 0 && failed == 0, detail);
        }

        private static int n(Integer value) {
            return value == null ? 0 : value;
        }
    }
}
