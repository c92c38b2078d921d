package dev.patchflow.schemas.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One post-patch health check.
 *
 * @param type {@code command} (exit code 0 passes), {@code http} (status equals {@code expectStatus},
 *        default 200), {@code version} (the install's version file equals the patch version),
 *        {@code kubernetes} (the workload is Available with every desired replica ready, and, when {@code url}
 *        is set, a GET through its Service answers {@code expectStatus}), {@code schema} (a {@code mysql}
 *        target's live schema equals the desired one), for {@code aws-ec2} targets
 *        {@code aws-instance-running}, {@code aws-ssm-online}, {@code aws-backup-image} (the run's AMI of the
 *        target is {@code available}), {@code aws-patch-compliance} (no missing or failed patches; a pending
 *        reboot is reported); {@code db-version} (a database node runs the patch version, by its engine's
 *        probe) or {@code db-cluster} (the node's cluster has one leader and every replica streams)
 * @param command argv of the command check; the target's attributes are in its environment
 * @param url URL of the http check; {@code ${address}} and {@code ${id}} are replaced by the target's. For the
 *        kubernetes check, the in-cluster URL of the Service, e.g. {@code http://${service}:8080/q/health/ready}
 *        ({@code ${service}}: the target's Service), sent through the API server's service proxy; for a
 *        {@code schema} check the desired schema's {@code s3://} or {@code http(s)://} location
 * @param versionFile version file, relative to the install folder (default {@code VERSION})
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record CheckSpec(String name, String type, List<String> command, String url, Integer expectStatus,
        String versionFile, Integer timeoutSeconds) {

    public static final String COMMAND = "command";
    public static final String HTTP = "http";
    public static final String VERSION = "version";
    public static final String KUBERNETES = "kubernetes";

    /** The live schema of a {@code mysql} target equals the desired one ({@code url}, else the patch's {@code schema}). */
    public static final String SCHEMA = "schema";

    public static final String AWS_INSTANCE_RUNNING = "aws-instance-running";
    public static final String AWS_SSM_ONLINE = "aws-ssm-online";
    public static final String AWS_BACKUP_IMAGE = "aws-backup-image";
    public static final String AWS_PATCH_COMPLIANCE = "aws-patch-compliance";

    /** The checks that only make sense on {@code aws-ec2} targets. */
    public static final java.util.Set<String> AWS_TYPES = java.util.Set.of(AWS_INSTANCE_RUNNING, AWS_SSM_ONLINE,
            AWS_BACKUP_IMAGE, AWS_PATCH_COMPLIANCE);

    public static final String DB_VERSION = "db-version";
    public static final String DB_CLUSTER = "db-cluster";

    public CheckSpec {
        command = command == null ? List.of() : List.copyOf(command);
        name = name == null || name.isBlank() ? type : name;
    }
}
