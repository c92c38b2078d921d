package dev.patchflow.backup.config;

import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code patchflow.backup.workload.sources.<name>.*}: where the data of patched Kubernetes workloads lives, by
 * source name (a request picks one with {@code patch.parameters.backupSource}, default {@code default}).
 * Credentials come from the environment or a mounted Secret (k8s/), never from the properties file.
 */
@ConfigMapping(prefix = "patchflow.backup.workload")
public interface WorkloadDataConfig {

    Map<String, Source> sources();

    interface Source {

        /** The workload's MongoDB, e.g. {@code mongodb://user:…@rules-mongo:27017/?replicaSet=rs0}. */
        Optional<String> mongoConnectionString();

        /** The workload's S3 / MinIO. */
        Optional<String> s3Endpoint();

        Optional<String> s3AccessKey();

        Optional<String> s3SecretKey();

        @WithDefault("us-east-1")
        String s3Region();
    }
}
