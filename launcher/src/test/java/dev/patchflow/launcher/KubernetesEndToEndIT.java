package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

import dev.patchflow.localstack.EmbeddedKubernetes;
import dev.patchflow.localstack.EmbeddedKubernetes.JobEnd;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * A {@code k8s-job} data patch through the five packaged services, with the Kubernetes API stand-in as the cluster
 * (passed to scanner, runner and validator as their API server): the scanner finds the Deployment, backup-svc
 * exports the declared MongoDB collection and S3 prefix, the runner waits for the Deployment, runs the Job (the test
 * plays the Job controller), the validator checks readiness and HTTP health through the Service, and report-svc
 * serves the four reports. No secret value appears in a service log, an event or a report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesEndToEndIT {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);
    private static final String NAMESPACE = "rules";
    /** Held only by the cluster's Secret, which Patchflow references by name and never reads. */
    private final String clusterSecretValue = "mongo-password-" + UUID.randomUUID();

    private EmbeddedKubernetes cluster;
    private PatchflowSystem system;
    private Path work;

    @BeforeAll
    void start() throws Exception {
        cluster = EmbeddedKubernetes.start();
        cluster.createDeployment(NAMESPACE, "rule-engine",
                Map.of("app.kubernetes.io/part-of", "rules", "app.kubernetes.io/version", "5.16.2"),
                "registry.example.com/rule-engine:5.16.2", 2);
        cluster.setDeploymentStatus(NAMESPACE, "rule-engine", 2, true);
        cluster.createService(NAMESPACE, "rule-engine", "rule-engine", 8080);
        cluster.answerServiceProxy(NAMESPACE, "rule-engine", 200, "{\"status\":\"UP\"}");
        cluster.client().secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName("rule-engine-mongodb").withNamespace(NAMESPACE).endMetadata()
                .addToStringData("MONGODB_URI", "mongodb://rules:" + clusterSecretValue + "@rules-mongo:27017")
                .build()).create();

        Map<String, String> properties = new HashMap<>(cluster.serviceProperties());
        properties.put("patchflow.kubernetes.contexts.prod.namespaces", NAMESPACE);
        properties.put("patchflow.kubernetes.contexts.prod.environment", "prod");
        properties.put("patchflow.runner.k8s-job.poll-interval", "200ms");
        // The patched workload's data lives in the stack's own MongoDB and S3 here; the expressions resolve to
        // the addresses every service is started with.
        properties.put("patchflow.backup.workload.sources.default.mongo-connection-string",
                "${quarkus.mongodb.connection-string}");
        properties.put("patchflow.backup.workload.sources.default.s3-endpoint", "${patchflow.s3.endpoint}");
        properties.put("patchflow.backup.workload.sources.default.s3-access-key", "${patchflow.s3.access-key}");
        properties.put("patchflow.backup.workload.sources.default.s3-secret-key", "${patchflow.s3.secret-key}");
        Path home = LauncherMain.home();
        work = Files.createTempDirectory(home.resolve("launcher/target"), "k8s-e2e-");
        system = PatchflowSystem.start(home, work, false, properties, line -> System.out.println("[k8s-e2e] " + line));

        try (MongoClient mongo = MongoClients.create(system.stack().mongoConnectionString())) {
            mongo.getDatabase("rules").getCollection("rules").insertMany(List.of(
                    new Document("_id", "r1").append("severity", "high"),
                    new Document("_id", "r2").append("severity", "low")));
        }
        MinioClient s3 = s3();
        s3.makeBucket(MakeBucketArgs.builder().bucket("rule-engine-data").build());
        byte[] rule = "{\"id\":\"r1\"}".getBytes(StandardCharsets.UTF_8);
        s3.putObject(PutObjectArgs.builder().bucket("rule-engine-data").object("rules/r1.json")
                .stream(new java.io.ByteArrayInputStream(rule), rule.length, -1).build());
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private MinioClient s3() {
        return MinioClient.builder().endpoint(system.stack().s3Endpoint())
                .credentials(system.stack().s3AccessKey(), system.stack().s3SecretKey()).build();
    }

    @Test
    void aK8sJobPatchIsBackedUpRunValidatedAndReportedWithoutASecretAnywhere() throws Exception {
        String runId = "k8s-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        PatchRequested request = new PatchRequested(runId, Instant.now(), "e2e",
                new PatchSpec("rule-engine", "5.17.0", PatchSpec.EXECUTOR_K8S_JOB, List.of("--verbose"), 600,
                        Map.of("image", "registry.example.com/patchflow/patches/rule-engine:5.17.0",
                                "envFromSecrets", "rule-engine-mongodb", "serviceAccount", "patchflow-patch",
                                "backupMongo", "rules.rules", "backupS3", "rule-engine-data/rules/")),
                new TargetSelector("kubernetes", "prod/" + NAMESPACE, null, List.of(),
                        Map.of("app.kubernetes.io/part-of", "rules")),
                new RunOptions(false, Phases.ALL, new RolloutPolicy(null, "1"),
                        List.of(new CheckSpec("ready", CheckSpec.KUBERNETES, null,
                                "http://${service}:8080/q/health/ready", null, null, 60))));
        try (KafkaProducer<String, byte[]> producer = PipelineBenchmark.producer(
                system.stack().kafkaBootstrapServers())) {
            producer.send(new EventCodec().toRecord(CloudEvent.of("/patchflow/e2e", request))).get();
        }

        // The test is the Job controller: the runner created the Job (after backup-svc exported the data).
        await().atMost(RUN_TIMEOUT).until(() -> startedJob() != null);
        Job job = startedJob();
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom())
                .extracting(e -> e.getSecretRef().getName()).containsExactly("rule-engine-mongodb");
        assertThat(Serialization.asJson(job)).doesNotContain(clusterSecretValue);
        cluster.finishJob(NAMESPACE, job.getMetadata().getName(), JobEnd.COMPLETE, 0,
                "fix_rule_severity: 2 document(s) updated\nmarker written\n");

        RunWatcher runs = new RunWatcher(system.reportUrl(), system.token("viewer"));
        JsonNode run = runs.awaitCompleted(runId, RUN_TIMEOUT);
        assertThat(run.path("outcome").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        JsonNode target = run.path("targets").get(0);
        assertThat(target.path("targetId").asText()).isEqualTo("prod.rules.Deployment.rule-engine");
        assertThat(target.path("kind").asText()).isEqualTo("kubernetes");
        assertThat(target.path("installedVersion").asText()).isEqualTo("5.16.2");
        String exportPrefix = "backups/" + runId + "/prod.rules.Deployment.rule-engine/";
        assertThat(target.path("backup").path("status").asText()).isEqualTo("COMPLETED");
        assertThat(target.path("backup").path("location").asText())
                .isEqualTo("s3://" + system.stack().s3Bucket() + "/" + exportPrefix);
        assertThat(target.path("patch").path("status").asText()).isEqualTo("APPLIED");
        assertThat(target.path("patch").path("details").path("job").asText())
                .isEqualTo(NAMESPACE + "/" + job.getMetadata().getName());
        assertThat(target.path("patch").path("outputTail").asText()).endsWith("marker written");
        assertThat(target.path("validation").path("status").asText()).isEqualTo("PASSED");
        assertThat(target.path("validation").path("checks").get(0).path("detail").asText())
                .endsWith("HTTP 200 from http://rule-engine:8080/q/health/ready through the API server");

        // The declared collection and prefix were exported before the Job ran.
        String manifest = read(exportPrefix + "manifest.jsonl");
        assertThat(manifest).contains("\"collection\":\"rules\"").contains("\"documents\":2")
                .contains("\"key\":\"rules/r1.json\"");
        assertThat(read(exportPrefix + "mongo/rules/rules.jsonl").lines()).hasSize(2);
        assertThat(cluster.requests()).filteredOn(("POST /apis/batch/v1/namespaces/" + NAMESPACE + "/jobs")::equals)
                .hasSize(1);

        // The four reports, from report-svc's API.
        List<String> reports = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        for (String format : List.of("csv", "json", "html", "xml")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(system.reportUrl() + "/api/runs/" + runId + "/report." + format))
                    .header("Authorization", "Bearer " + system.token("viewer")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(format).isEqualTo(200);
            assertThat(response.body()).as(format).contains("prod.rules.Deployment.rule-engine");
            reports.add(response.body());
        }

        // No secret value in a service log, an event, a report or the patch output.
        String[] secrets = {system.stack().s3SecretKey(), clusterSecretValue};
        for (String report : reports) {
            assertThat(report).doesNotContain(secrets);
        }
        assertThat(read("logs/" + runId + "/prod.rules.Deployment.rule-engine.log")).doesNotContain(secrets);
        try (Stream<Path> logs = Files.list(work.resolve("logs"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(log)).as(log.getFileName().toString()).doesNotContain(secrets);
            }
        }
        List<ConsumerRecord<String, byte[]>> events = allEvents(runId);
        assertThat(events).isNotEmpty();
        for (ConsumerRecord<String, byte[]> event : events) {
            StringBuilder text = new StringBuilder(new String(event.value(), StandardCharsets.UTF_8));
            for (Header header : event.headers()) {
                text.append(new String(header.value(), StandardCharsets.UTF_8));
            }
            assertThat(text.toString()).as(event.topic()).doesNotContain(secrets);
        }
    }

    private Job startedJob() {
        return cluster.jobs(NAMESPACE).stream().filter(j -> Boolean.FALSE.equals(j.getSpec().getSuspend()))
                .findFirst().orElse(null);
    }

    private String read(String key) throws Exception {
        try (InputStream in = s3().getObject(GetObjectArgs.builder().bucket(system.stack().s3Bucket()).object(key)
                .build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every record of the run on every stage topic. */
    private List<ConsumerRecord<String, byte[]>> allEvents(String runId) {
        List<ConsumerRecord<String, byte[]>> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = PipelineBenchmark.consumer(
                system.stack().kafkaBootstrapServers(), "k8s-e2e-" + UUID.randomUUID())) {
            consumer.subscribe(Topics.STAGES);
            Instant quietUntil = Instant.now().plusSeconds(10);
            while (Instant.now().isBefore(quietUntil)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && record.key().startsWith(runId)) {
                        events.add(record);
                        quietUntil = Instant.now().plusSeconds(5);
                    }
                }
            }
        }
        return events;
    }
}
