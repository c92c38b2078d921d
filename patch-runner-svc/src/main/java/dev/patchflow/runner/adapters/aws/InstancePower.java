package dev.patchflow.runner.adapters.aws;

import java.time.Duration;

import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.Waiter;
import software.amazon.awssdk.core.waiters.WaiterAcceptor;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;
import software.amazon.awssdk.services.ssm.model.PingStatus;

/**
 * Starts and stops an instance and waits with the SDK's waiters: EC2's {@code instanceRunning} /
 * {@code instanceStopped}, and for SSM's {@code Online} (SSM has no waiter for it) the SDK's generic {@link Waiter}
 * with acceptors over DescribeInstanceInformation. No hand-written polling loop.
 */
final class InstancePower {

    private InstancePower() {
    }

    static WaiterOverrideConfiguration waitFor(Duration timeout, Duration poll) {
        return WaiterOverrideConfiguration.builder().waitTimeout(timeout).maxAttempts(Integer.MAX_VALUE)
                .backoffStrategy(FixedDelayBackoffStrategy.create(poll)).build();
    }

    /** StartInstances, then {@code running} within {@code timeout}. */
    static void start(Ec2Client ec2, String instanceId, Duration timeout, Duration poll) {
        ec2.startInstances(r -> r.instanceIds(instanceId));
        try (Ec2Waiter waiter = Ec2Waiter.builder().client(ec2).overrideConfiguration(waitFor(timeout, poll))
                .build()) {
            waiter.waitUntilInstanceRunning(r -> r.instanceIds(instanceId));
        }
    }

    /** StopInstances, then {@code stopped} within {@code timeout}. Stopping a stopped instance is harmless. */
    static void stop(Ec2Client ec2, String instanceId, Duration timeout, Duration poll) {
        ec2.stopInstances(r -> r.instanceIds(instanceId));
        try (Ec2Waiter waiter = Ec2Waiter.builder().client(ec2).overrideConfiguration(waitFor(timeout, poll))
                .build()) {
            waiter.waitUntilInstanceStopped(r -> r.instanceIds(instanceId));
        }
    }

    /** SSM reports the instance {@code Online} within {@code timeout}. */
    static void awaitSsmOnline(SsmClient ssm, String instanceId, Duration timeout, Duration poll) {
        Waiter<DescribeInstanceInformationResponse> waiter = Waiter.builder(DescribeInstanceInformationResponse.class)
                .addAcceptor(WaiterAcceptor.successOnResponseAcceptor(r -> r.instanceInformationList().stream()
                        .anyMatch(i -> i.pingStatus() == PingStatus.ONLINE)))
                .addAcceptor(WaiterAcceptor.retryOnResponseAcceptor(r -> true))
                .overrideConfiguration(waitFor(timeout, poll))
                .build();
        waiter.run(() -> ssm.describeInstanceInformation(r -> r.filters(
                InstanceInformationStringFilter.builder().key("InstanceIds").values(instanceId).build())));
    }
}
