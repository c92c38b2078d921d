package dev.patchflow.pkg.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.SemVer;
import dev.patchflow.pkg.internal.Fs;

/**
 * Reads, validates and writes release manifests. A manifest is accepted only if it validates
 * against {@code ReleaseManifest.schema.json} (loaded from the classpath, from the
 * {@code dev.patchflow:schemas} jar) and passes the checks a schema cannot express: version ranges
 * in order and below the release, no path named twice or below another named path.
 */
public final class ManifestCodec {

    public static final String SCHEMA_ID = "https://patchflow.dev/schemas/json/ReleaseManifest.schema.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_EMPTY)
            .build();

    private static final JsonSchema SCHEMA = loadSchema();

    private ManifestCodec() {
    }

    private static JsonSchema loadSchema() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(
                        m -> m.mapPrefix("https://patchflow.dev/schemas/json/", "classpath:schemas/json/")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .pathType(PathType.JSON_PATH)
                .build();
        return factory.getSchema(SchemaLocation.of(SCHEMA_ID), config);
    }

    /** The JSON configuration used for manifests (ISO dates, empty fields omitted). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Schema and semantic errors of a manifest document; empty when it is valid. */
    public static List<String> errors(String json) {
        Set<ValidationMessage> messages = SCHEMA.validate(json, InputFormat.JSON);
        List<String> errors = new ArrayList<>(messages.stream().map(ValidationMessage::getMessage).sorted().toList());
        if (errors.isEmpty()) {
            try {
                errors.addAll(semanticErrors(MAPPER.readValue(json, ReleaseManifest.class)));
            } catch (JsonProcessingException e) {
                errors.add(e.getOriginalMessage());
            }
        }
        return errors;
    }

    /** Parses and validates; throws {@link PackageRefusedException} ({@code INVALID_MANIFEST}) with every error. */
    public static ReleaseManifest parse(String json) {
        List<String> errors = errors(json);
        if (!errors.isEmpty()) {
            throw new PackageRefusedException(Reason.INVALID_MANIFEST, String.join("; ", errors));
        }
        try {
            return MAPPER.readValue(json, ReleaseManifest.class);
        } catch (JsonProcessingException e) {
            throw new PackageRefusedException(Reason.INVALID_MANIFEST, e.getOriginalMessage(), e);
        }
    }

    /**
     * Checks a manifest built in code (not parsed) by the same rules; the engine calls this before
     * it trusts any path in it. Throws {@link PackageRefusedException} ({@code INVALID_MANIFEST}).
     */
    public static void requireValid(ReleaseManifest manifest) {
        String json;
        try {
            json = MAPPER.writeValueAsString(manifest);
        } catch (JsonProcessingException e) {
            throw new PackageRefusedException(Reason.INVALID_MANIFEST, e.getOriginalMessage(), e);
        }
        List<String> errors = errors(json);
        if (!errors.isEmpty()) {
            throw new PackageRefusedException(Reason.INVALID_MANIFEST, String.join("; ", errors));
        }
    }

    public static ReleaseManifest read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The manifest as JSON, after checking it would be accepted by {@link #parse}. */
    public static String toJson(ReleaseManifest manifest) {
        String json;
        try {
            json = MAPPER.writeValueAsString(manifest);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        List<String> errors = errors(json);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("manifest would be invalid: " + String.join("; ", errors));
        }
        return json + "\n";
    }

    /** Writes atomically (temp file, fsync, rename) so a reader never sees half a manifest. */
    public static void write(Path file, ReleaseManifest manifest) throws IOException {
        Fs.writeAtomically(file, toJson(manifest).getBytes(StandardCharsets.UTF_8), null);
    }

    static JsonNode tree(ReleaseManifest manifest) {
        return MAPPER.valueToTree(manifest);
    }

    private static List<String> semanticErrors(ReleaseManifest m) {
        List<String> errors = new ArrayList<>();
        SemVer version = m.semVer();
        for (Arch arch : Arch.values()) {
            m.patchFor(arch).ifPresent(p -> {
                String where = "$.patch." + arch.jsonName();
                SemVer min = SemVer.parse(p.fromRange().min());
                SemVer max = SemVer.parse(p.fromRange().max());
                if (min.isAfter(max)) {
                    errors.add(where + ".fromRange: min " + min + " is after max " + max);
                }
                if (!max.isBefore(version)) {
                    errors.add(where + ".fromRange: max " + max + " is not before the release " + version);
                }
                Operations ops = p.operations();
                if (ops.count() == 0) {
                    errors.add(where + ".operations: no operation");
                }
                java.util.Set<String> seen = new java.util.HashSet<>();
                ops.allPaths().forEach(path -> {
                    String problem = PackagePaths.problem(path);
                    if (problem != null) {
                        errors.add(where + ".operations: " + problem);
                    } else if (!seen.add(path)) {
                        errors.add(where + ".operations: '" + path + "' is named twice");
                    }
                });
                for (String path : seen) {
                    for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                        if (seen.contains(path.substring(0, slash))) {
                            errors.add(where + ".operations: '" + path + "' lies below '" + path.substring(0, slash)
                                    + "', which is also named");
                        }
                    }
                }
            });
        }
        return errors;
    }
}
