package dev.patchflow.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The landing-zone file: which accounts Patchflow works in, through which role, in which regions.
 *
 * <pre>
 * landing_zones:
 *   lz250nonprod:
 *     account_id: "250000000001"
 *     role_arn: arn:aws:iam::250000000001:role/PatchflowZone
 *     external_id: patchflow-lz250       # optional
 *     regions: [eu-west-1, eu-central-1]
 *     environment: nonprod
 * </pre>
 *
 * Every field is checked when the file is read, and an unknown key is refused (a typo must not silently drop a
 * setting); every problem names the file, the zone and the field. Nothing is sent to AWS before the file and the
 * selection passed.
 */
public final class LandingZones {

    /** An IAM role ARN in any partition: {@code arn:aws:iam::123456789012:role/path/Name}. */
    static final Pattern ROLE_ARN = Pattern
            .compile("^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::([0-9]{12}):role/[\\w+=,.@/-]{1,512}$");
    static final Pattern ACCOUNT_ID = Pattern.compile("^[0-9]{12}$");
    /** AWS region names: {@code eu-west-1}, {@code us-gov-west-1}, {@code cn-north-1}, {@code us-iso-east-1}. */
    static final Pattern REGION = Pattern.compile("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$");
    static final Pattern ZONE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    /** STS: 2 to 1224 characters of {@code [\w+=,.@:/-]}. */
    static final Pattern EXTERNAL_ID = Pattern.compile("^[\\w+=,.@:/-]{2,1224}$");
    private static final Set<String> FIELDS = Set.of("account_id", "role_arn", "external_id", "regions",
            "environment");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String source;
    private final Map<String, LandingZone> byName;

    private LandingZones(String source, Map<String, LandingZone> byName) {
        this.source = source;
        this.byName = byName;
    }

    /** Reads and checks the file; a {@link LandingZoneException} names what is wrong. */
    public static LandingZones load(Path file) {
        String what = "landing-zone file " + file;
        String content;
        try {
            content = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new LandingZoneException(what + " does not exist");
        } catch (IOException e) {
            throw new LandingZoneException(what + " cannot be read: " + e.getMessage(), e);
        }
        return parse(what, content);
    }

    /** Parses {@code content}; {@code what} names it in messages (e.g. {@code landing-zone file /etc/lz.yaml}). */
    public static LandingZones parse(String what, String content) {
        JsonNode root;
        try {
            root = content.isBlank() ? null : YAML.readTree(content);
        } catch (JsonProcessingException e) {
            throw new LandingZoneException(what + " is not valid YAML" + location(e.getLocation()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject() || !root.path("landing_zones").isObject()) {
            throw new LandingZoneException(what + " has no 'landing_zones' mapping (name: {account_id, role_arn,"
                    + " regions, environment})");
        }
        Iterator<String> topLevel = root.fieldNames();
        while (topLevel.hasNext()) {
            String key = topLevel.next();
            if (!"landing_zones".equals(key)) {
                throw new LandingZoneException(what + ": unknown key '" + key + "' (known: landing_zones)");
            }
        }
        Map<String, LandingZone> zones = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        root.path("landing_zones").fields().forEachRemaining(entry -> {
            try {
                zones.put(entry.getKey(), zone(entry.getKey(), entry.getValue()));
            } catch (LandingZoneException e) {
                problems.add(e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            throw new LandingZoneException(what + ": " + String.join("; ", problems));
        }
        if (zones.isEmpty()) {
            throw new LandingZoneException(what + " defines no landing zone");
        }
        return new LandingZones(what, Map.copyOf(zones));
    }

    private static LandingZone zone(String name, JsonNode node) {
        String where = "landing zone '" + name + "'";
        if (!ZONE_NAME.matcher(name).matches()) {
            throw new LandingZoneException(where + ": the name must be letters, digits and . _ - (at most 64)");
        }
        if (!node.isObject()) {
            throw new LandingZoneException(where + " must be a mapping of account_id, role_arn, regions, environment");
        }
        List<String> problems = new ArrayList<>();
        node.fieldNames().forEachRemaining(key -> {
            if (!FIELDS.contains(key)) {
                problems.add(where + ": unknown field '" + key + "' (known: account_id, environment, external_id,"
                        + " regions, role_arn)");
            }
        });
        String accountId = text(node, "account_id", where, problems);
        String roleArn = text(node, "role_arn", where, problems);
        String environment = text(node, "environment", where, problems);
        String externalId = node.hasNonNull("external_id") ? node.get("external_id").asText() : null;
        if (accountId != null && !ACCOUNT_ID.matcher(accountId).matches()) {
            problems.add(where + ": account_id '" + accountId + "' is not a 12-digit AWS account id (quote it in"
                    + " YAML so that leading zeros stay)");
        }
        if (roleArn != null) {
            var arn = ROLE_ARN.matcher(roleArn);
            if (!arn.matches()) {
                problems.add(where + ": role_arn '" + roleArn + "' is not an IAM role ARN"
                        + " (arn:aws:iam::<12-digit account>:role/<name>)");
            } else if (accountId != null && !arn.group(2).equals(accountId)) {
                problems.add(where + ": role_arn " + roleArn + " is a role of account " + arn.group(2)
                        + ", not of the zone's account_id " + accountId);
            }
        }
        if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
            // The value itself is not repeated: it is part of how the role is protected.
            problems.add(where + ": external_id must be 2 to 1224 characters of letters, digits and +=,.@:/-");
        }
        List<String> regions = new ArrayList<>();
        JsonNode regionNode = node.path("regions");
        if (!regionNode.isArray() || regionNode.isEmpty()) {
            problems.add(where + ": regions must be a non-empty list, e.g. [eu-west-1]");
        } else {
            regionNode.forEach(r -> {
                String region = r.asText();
                if (!r.isTextual() || !REGION.matcher(region).matches()) {
                    problems.add(where + ": '" + region + "' is not an AWS region name (e.g. eu-west-1)");
                } else if (regions.contains(region)) {
                    problems.add(where + ": region " + region + " is listed twice");
                } else {
                    regions.add(region);
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new LandingZoneException(String.join("; ", problems));
        }
        return new LandingZone(name, accountId, roleArn, Optional.ofNullable(externalId), regions, environment);
    }

    private static String text(JsonNode node, String field, String where, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            problems.add(where + ": " + field + " is missing");
            return null;
        }
        if (!value.isValueNode()) {
            problems.add(where + ": " + field + " must be a single value");
            return null;
        }
        return value.asText().trim();
    }

    private static String location(JsonLocation location) {
        return location == null || location.getLineNr() < 1
                ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /**
     * The zones a run works in: the named ones (each must exist, and be of {@code environment} when both are
     * given), or every zone of {@code environment} when no name is given, or every zone.
     */
    public List<LandingZone> select(List<String> names, String environment) {
        boolean byEnvironment = environment != null && !environment.isBlank();
        if (names == null || names.isEmpty()) {
            List<LandingZone> all = byName.values().stream()
                    .filter(z -> !byEnvironment || z.environment().equalsIgnoreCase(environment))
                    .sorted((a, b) -> a.name().compareTo(b.name()))
                    .toList();
            if (all.isEmpty()) {
                throw new LandingZoneException(
                        "no landing zone of environment '" + environment + "' in the " + source + " (environments: "
                                + String.join(", ", byName.values().stream().map(LandingZone::environment)
                                        .map(e -> e.toLowerCase(Locale.ROOT)).distinct().sorted().toList())
                                + ")");
            }
            return all;
        }
        List<String> problems = new ArrayList<>();
        List<LandingZone> zones = new ArrayList<>();
        for (String name : names) {
            LandingZone zone = byName.get(name);
            if (zone == null) {
                problems.add("unknown landing zone '" + name + "' (known: " + knownNames() + ")");
            } else if (byEnvironment && !zone.environment().equalsIgnoreCase(environment)) {
                problems.add("landing zone '" + name + "' is a " + zone.environment() + " zone, not " + environment);
            } else if (!zones.contains(zone)) {
                zones.add(zone);
            }
        }
        if (!problems.isEmpty()) {
            throw new LandingZoneException(String.join("; ", problems));
        }
        return zones;
    }

    public Optional<LandingZone> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    public String knownNames() {
        return String.join(", ", byName.keySet().stream().sorted().toList());
    }

    public List<LandingZone> all() {
        return byName.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }
}
