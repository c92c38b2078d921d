package dev.patchflow.schemas;

import java.util.Arrays;
import java.util.Optional;

import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.ClusterPhaseCompleted;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.PowerStateRestored;
import dev.patchflow.schemas.events.RunCompleted;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunGateChanged;
import dev.patchflow.schemas.events.RunHalted;
import dev.patchflow.schemas.events.RunRejected;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/**
 * Every event type of the contract: its CloudEvents {@code type}, its topic, its Java record and its
 * JSON Schema file. Adding an event means adding a line here, a schema file and an example.
 */
public enum EventType {

    // @formatter:off
    PATCH_REQUESTED("PatchRequested", Topics.REQUESTS, PatchRequested.class),
    INSTANCE_SCANNED("InstanceScanned", Topics.SCANS, InstanceScanned.class),
    SCAN_COMPLETED("ScanCompleted", Topics.SCANS, ScanCompleted.class),
    RUN_REJECTED("RunRejected", Topics.SCANS, RunRejected.class),
    BACKUP_COMPLETED("BackupCompleted", Topics.BACKUPS, BackupCompleted.class),
    BACKUP_FAILED("BackupFailed", Topics.BACKUPS, BackupFailed.class),
    PATCH_APPLIED("PatchApplied", Topics.PATCHES, PatchApplied.class),
    PATCH_FAILED("PatchFailed", Topics.PATCHES, PatchFailed.class),
    PATCH_NOT_STARTED("PatchNotStarted", Topics.PATCHES, PatchNotStarted.class),
    POWER_STATE_RESTORED("PowerStateRestored", Topics.PATCHES, PowerStateRestored.class),
    VALIDATION_PASSED("ValidationPassed", Topics.VALIDATIONS, ValidationPassed.class),
    VALIDATION_FAILED("ValidationFailed", Topics.VALIDATIONS, ValidationFailed.class),
    RUN_COMPLETED("RunCompleted", Topics.RUNS, RunCompleted.class),
    RUN_CONTROLLED("RunControlled", Topics.RUNS, RunControlled.class),
    RUN_HALTED("RunHalted", Topics.RUNS, RunHalted.class),
    RUN_GATE_CHANGED("RunGateChanged", Topics.RUNS, RunGateChanged.class),
    CLUSTER_PHASE_COMPLETED("ClusterPhaseCompleted", Topics.RUNS, ClusterPhaseCompleted.class);
    // @formatter:on

    /** Prefix of every {@code ce_type}: reverse-DNS, as CloudEvents recommends. */
    public static final String TYPE_PREFIX = "dev.patchflow.";

    private final String simpleName;
    private final String topic;
    private final Class<? extends PatchflowEvent> javaType;

    EventType(String simpleName, String topic, Class<? extends PatchflowEvent> javaType) {
        this.simpleName = simpleName;
        this.topic = topic;
        this.javaType = javaType;
    }

    /** The name used in schema and example file names, e.g. {@code PatchRequested}. */
    public String simpleName() {
        return simpleName;
    }

    /** The CloudEvents {@code type} attribute, e.g. {@code dev.patchflow.PatchRequested}. */
    public String ceType() {
        return TYPE_PREFIX + simpleName;
    }

    public String topic() {
        return topic;
    }

    public Class<? extends PatchflowEvent> javaType() {
        return javaType;
    }

    /** Classpath location of the JSON Schema. */
    public String schemaResource() {
        return "schemas/json/" + simpleName + ".schema.json";
    }

    public static Optional<EventType> fromCeType(String ceType) {
        return Arrays.stream(values()).filter(t -> t.ceType().equals(ceType)).findFirst();
    }

    public static EventType of(Class<? extends PatchflowEvent> javaType) {
        return Arrays.stream(values())
                .filter(t -> t.javaType.equals(javaType))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a Patchflow event type: " + javaType.getName()));
    }
}
