package dev.patchflow.backup.adapters.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Sorts;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;

import dev.patchflow.backup.config.WorkloadDataConfig;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.WorkloadData;

/**
 * The workloads' data through the sources of {@code patchflow.backup.workload.sources.<name>.*}: one MongoDB
 * client and one MinIO client per source, built on first use. Only the host is ever put in a reason, never a
 * credential.
 */
@ApplicationScoped
public class ConfiguredWorkloadData implements WorkloadData {

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED)
            .build();

    private final Map<String, WorkloadDataConfig.Source> sources;
    private final Map<String, MongoClient> mongo = new ConcurrentHashMap<>();
    private final Map<String, MinioClient> s3 = new ConcurrentHashMap<>();

    @Inject
    public ConfiguredWorkloadData(WorkloadDataConfig config) {
        this(config.sources());
    }

    public ConfiguredWorkloadData(Map<String, WorkloadDataConfig.Source> sources) {
        this.sources = Map.copyOf(sources);
    }

    @Override
    public long exportCollection(String source, String database, String collection, Writer out)
            throws BackupFailureException {
        MongoClient client = mongo(source);
        long count = 0;
        try (MongoCursor<Document> documents = client.getDatabase(database).getCollection(collection).find()
                .sort(Sorts.ascending("_id")).iterator()) {
            while (documents.hasNext()) {
                out.write(documents.next().toJson(CANONICAL));
                out.write('\n');
                count++;
            }
        } catch (MongoException e) {
            throw new BackupFailureException("cannot export " + database + "." + collection + " from source '"
                    + source + "': " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BackupFailureException("cannot write the export of " + database + "." + collection + ": "
                    + e.getMessage(), e);
        }
        return count;
    }

    @Override
    public List<StoredObject> listObjects(String source, String bucket, String prefix) throws BackupFailureException {
        List<StoredObject> objects = new ArrayList<>();
        try {
            for (Result<Item> result : s3(source)
                    .listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
                Item item = result.get();
                if (!item.isDir()) {
                    objects.add(new StoredObject(item.objectName(), item.size()));
                }
            }
        } catch (Exception e) {
            throw new BackupFailureException("cannot list s3://" + bucket + "/" + prefix + " of source '" + source
                    + "': " + e.getMessage(), e);
        }
        objects.sort(java.util.Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    public InputStream openObject(String source, String bucket, String key) throws BackupFailureException {
        try {
            return s3(source).getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw new BackupFailureException("cannot read s3://" + bucket + "/" + key + " of source '" + source
                    + "': " + e.getMessage(), e);
        }
    }

    private WorkloadDataConfig.Source source(String name) throws BackupFailureException {
        WorkloadDataConfig.Source source = sources.get(name);
        if (source == null) {
            throw new BackupFailureException("no workload data source '" + name + "' (configured: "
                    + (sources.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(sources.keySet())))
                    + "; patchflow.backup.workload.sources." + name + ".*)");
        }
        return source;
    }

    private MongoClient mongo(String name) throws BackupFailureException {
        WorkloadDataConfig.Source source = source(name);
        if (source.mongoConnectionString().isEmpty()) {
            throw new BackupFailureException("workload data source '" + name + "' has no MongoDB "
                    + "(patchflow.backup.workload.sources." + name + ".mongo-connection-string)");
        }
        return mongo.computeIfAbsent(name, n -> MongoClients.create(source.mongoConnectionString().get()));
    }

    private MinioClient s3(String name) throws BackupFailureException {
        WorkloadDataConfig.Source source = source(name);
        if (source.s3Endpoint().isEmpty()) {
            throw new BackupFailureException("workload data source '" + name + "' has no S3 "
                    + "(patchflow.backup.workload.sources." + name + ".s3-endpoint)");
        }
        return s3.computeIfAbsent(name, n -> {
            MinioClient.Builder builder = MinioClient.builder().endpoint(source.s3Endpoint().get())
                    .region(source.s3Region());
            if (source.s3AccessKey().isPresent() && source.s3SecretKey().isPresent()) {
                builder.credentials(source.s3AccessKey().get(), source.s3SecretKey().get());
            }
            return builder.build();
        });
    }

    @PreDestroy
    void close() {
        mongo.values().forEach(MongoClient::close);
    }
}
