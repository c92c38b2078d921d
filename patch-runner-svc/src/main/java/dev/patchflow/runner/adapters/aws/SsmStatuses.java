package dev.patchflow.runner.adapters.aws;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.schemas.events.PatchStatus;

import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;

/**
 * SSM's detailed invocation statuses ({@code StatusDetails}) and what each means for a target. Per the Systems
 * Manager documentation: delivery timeouts and undeliverable invocations do not count against a command's
 * MaxErrors, execution timeouts and failures do; Terminated means the parent command's MaxErrors stopped it.
 */
final class SsmStatuses {

    static final Set<String> WAITING = Set.of("Pending", "InProgress", "Delayed", "Cancelling");
    /** Failures that never ran the patch on the instance: not the patch's fault, not counted (SSM MaxErrors). */
    static final Set<String> NOT_COUNTED = Set.of("DeliveryTimedOut", "Undeliverable", "Terminated", "Cancelled",
            "InvalidPlatform", "AccessDenied");
    static final Set<String> COUNTED = Set.of("Failed", "ExecutionTimedOut");

    private SsmStatuses() {
    }

    static boolean isTerminal(String statusDetails) {
        return statusDetails != null && !WAITING.contains(statusDetails);
    }

    static ExecutionResult outcome(GetCommandInvocationResponse invocation, boolean dryRun,
            Map<String, String> details, Duration duration) {
        String status = invocation.statusDetails();
        Map<String, String> d = new TreeMap<>(details);
        d.put("ssmStatus", status);
        Integer code = invocation.responseCode() == null || invocation.responseCode() < 0
                ? null
                : invocation.responseCode();
        if ("Success".equals(status)) {
            return dryRun
                    ? ExecutionResult.success(PatchStatus.DRY_RUN, duration, d)
                    : new ExecutionResult(true, code, null, duration, d, null);
        }
        String why = switch (status) {
            case "Failed" -> "AWS-RunPatchBaseline failed on the instance (exit code " + code + ")";
            case "ExecutionTimedOut" -> "the patch ran longer than the document allows (ExecutionTimedOut)";
            case "DeliveryTimedOut" -> "SSM could not deliver the command before its delivery timeout"
                    + " (DeliveryTimedOut); nothing ran";
            case "Undeliverable" -> "SSM cannot deliver commands to the instance (Undeliverable: missing, stopped or"
                    + " not managed); nothing ran";
            case "Terminated" -> "SSM terminated the invocation (Terminated: the command's MaxErrors was reached)";
            case "Cancelled" -> "the command was cancelled (Cancelled)";
            case "InvalidPlatform" -> "the instance's platform does not match the document (InvalidPlatform)";
            case "AccessDenied" -> "the instance's role may not run the document (AccessDenied)";
            default -> "SSM status " + status;
        };
        boolean counted = !NOT_COUNTED.contains(status);
        String reason = "SSM command " + invocation.commandId() + ": " + why
                + (counted ? "" : "; not counted against the error budget");
        return ExecutionResult.failure(reason, code, duration, SsmPatchExecutor.withBudget(d, counted));
    }
}
