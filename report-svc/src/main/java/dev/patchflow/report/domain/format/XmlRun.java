package dev.patchflow.report.domain.format;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlText;

import dev.patchflow.report.domain.AwsReport;
import dev.patchflow.report.domain.RunReport;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.report.domain.ViewCounts;
import dev.patchflow.schemas.events.CheckResult;

/**
 * The XML shape of a run report, described by {@code schemas/xsd/run-report.xsd}: identifying facts as
 * attributes, free text as elements. Kept separate from the JSON view so that either can change without
 * silently breaking the other's schema.
 */
@JacksonXmlRootElement(localName = "run")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"runId", "state", "haltCause", "outcome", "dryRun", "scannerOnly", "reason", "patch",
        "requestedBy", "requestedAt", "completedAt", "expectedTargets", "reportLocation", "counts", "zoneErrors",
        "clusterPhases", "drift", "targets"})
record XmlRun(@JacksonXmlProperty(isAttribute = true) String runId,
        @JacksonXmlProperty(isAttribute = true) String state,
        @JacksonXmlProperty(isAttribute = true) String haltCause,
        @JacksonXmlProperty(isAttribute = true) String outcome,
        @JacksonXmlProperty(isAttribute = true) boolean dryRun,
        @JacksonXmlProperty(isAttribute = true) Boolean scannerOnly, String reason, Patch patch, String requestedBy,
        Instant requestedAt, Instant completedAt, Integer expectedTargets, String reportLocation, ViewCounts counts,
        @JacksonXmlElementWrapper(localName = "zoneErrors") @JacksonXmlProperty(localName = "zoneError") List<ZoneFailure> zoneErrors,
        @JacksonXmlElementWrapper(localName = "clusterPhases") @JacksonXmlProperty(localName = "clusterPhase") List<ClusterPhase> clusterPhases,
        @JacksonXmlElementWrapper(localName = "drift") @JacksonXmlProperty(localName = "driftedTarget") Iterator<Drifted> drift,
        @JacksonXmlElementWrapper(localName = "targets") @JacksonXmlProperty(localName = "target") Iterator<Target> targets) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"clusterId", "engine", "phase", "passed", "reason", "completedAt", "checks"})
    record ClusterPhase(@JacksonXmlProperty(isAttribute = true) String clusterId,
            @JacksonXmlProperty(isAttribute = true) String engine, @JacksonXmlProperty(isAttribute = true) String phase,
            @JacksonXmlProperty(isAttribute = true) boolean passed, String reason, Instant completedAt,
            @JacksonXmlElementWrapper(localName = "checks") @JacksonXmlProperty(localName = "check") List<Check> checks) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Drifted(@JacksonXmlProperty(isAttribute = true) String id,
            @JacksonXmlProperty(isAttribute = true) String versionFound,
            @JacksonXmlProperty(isAttribute = true) String versionWanted) {
    }

    /** A landing zone (or one region of it) that could not be scanned; the element's text is the reason. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"landingZone", "accountId", "region", "reason"})
    record ZoneFailure(@JacksonXmlProperty(isAttribute = true) String landingZone,
            @JacksonXmlProperty(isAttribute = true) String accountId,
            @JacksonXmlProperty(isAttribute = true) String region, @JacksonXmlText String reason) {
    }

    /** An EC2 instance's facts: identity as attributes, the AMI as an element, free text as elements. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"instanceId", "accountId", "region", "availabilityZone", "instanceType", "ssmStatus",
            "initialState", "currentState", "powerRestored", "platform", "platformName", "arch", "privateIp",
            "ssmAgentVersion", "powerReason", "ami", "ssmCommandId"})
    record Aws(@JacksonXmlProperty(isAttribute = true) String instanceId,
            @JacksonXmlProperty(isAttribute = true) String accountId,
            @JacksonXmlProperty(isAttribute = true) String region,
            @JacksonXmlProperty(isAttribute = true) String availabilityZone,
            @JacksonXmlProperty(isAttribute = true) String instanceType,
            @JacksonXmlProperty(isAttribute = true) String ssmStatus,
            @JacksonXmlProperty(isAttribute = true) String initialState,
            @JacksonXmlProperty(isAttribute = true) String currentState,
            @JacksonXmlProperty(isAttribute = true) Boolean powerRestored, String platform, String platformName,
            String arch, String privateIp, String ssmAgentVersion, String powerReason, Ami ami, String ssmCommandId) {

        static Aws of(AwsReport a) {
            if (a == null) {
                return null;
            }
            Ami ami = a.amiId() == null
                    ? null
                    : new Ami(a.amiId(), a.amiCreatedAt(), a.amiRetainUntil(), a.snapshotIds() == null
                            ? List.of()
                            : List.of(a.snapshotIds().split(",")).stream().filter(id -> !id.isBlank()).toList());
            return new Aws(a.instanceId(), a.accountId(), a.region(), a.availabilityZone(), a.instanceType(),
                    a.ssmStatus(), a.initialState(), a.currentState(), a.powerRestored(), a.platform(),
                    a.platformName(), a.arch(), a.privateIp(), a.ssmAgentVersion(), a.powerReason(), ami,
                    a.ssmCommandId());
        }
    }

    /** The instance's AMI restore point. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"id", "createdAt", "retainUntil", "snapshotIds"})
    record Ami(@JacksonXmlProperty(isAttribute = true) String id,
            @JacksonXmlProperty(isAttribute = true) String createdAt,
            @JacksonXmlProperty(isAttribute = true) String retainUntil,
            @JacksonXmlElementWrapper(localName = "snapshots") @JacksonXmlProperty(localName = "snapshotId") List<String> snapshotIds) {
    }

    record Patch(@JacksonXmlProperty(isAttribute = true) String id,
            @JacksonXmlProperty(isAttribute = true) String version) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"id", "status", "phase", "name", "kind", "environment", "landingZone", "installedVersion",
            "reason", "backup", "patch", "validation", "aws"})
    record Target(@JacksonXmlProperty(isAttribute = true) String id,
            @JacksonXmlProperty(isAttribute = true) String status, @JacksonXmlProperty(isAttribute = true) String phase,
            String name, String kind, String environment, String landingZone, String installedVersion, String reason,
            Backup backup, PatchResult patch, Validation validation, Aws aws) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"status", "sizeBytes", "location", "sha256", "note", "reason"})
    record Backup(@JacksonXmlProperty(isAttribute = true) String status,
            @JacksonXmlProperty(isAttribute = true) Long sizeBytes, String location, String sha256, String note,
            String reason) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"status", "exitCode", "durationMs", "reason", "outputLocation", "outputTail", "details"})
    record PatchResult(@JacksonXmlProperty(isAttribute = true) String status,
            @JacksonXmlProperty(isAttribute = true) Integer exitCode,
            @JacksonXmlProperty(isAttribute = true) Long durationMs, String reason, String outputLocation,
            String outputTail,
            @JacksonXmlElementWrapper(localName = "details") @JacksonXmlProperty(localName = "detail") List<Detail> details) {
    }

    record Detail(@JacksonXmlProperty(isAttribute = true) String key, @JacksonXmlText String value) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"status", "checks", "failedChecks"})
    record Validation(@JacksonXmlProperty(isAttribute = true) String status,
            @JacksonXmlElementWrapper(localName = "checks") @JacksonXmlProperty(localName = "check") List<Check> checks,
            @JacksonXmlElementWrapper(localName = "failedChecks") @JacksonXmlProperty(localName = "failedCheck") List<Check> failedChecks) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"name", "type", "passed", "detail"})
    record Check(@JacksonXmlProperty(isAttribute = true) String name,
            @JacksonXmlProperty(isAttribute = true) String type, @JacksonXmlProperty(isAttribute = true) boolean passed,
            @JacksonXmlText String detail) {

        static List<Check> of(List<CheckResult> results) {
            return results.stream().map(c -> new Check(c.name(), c.type(), c.passed(), c.detail())).toList();
        }
    }

    /**
     * The run's summary with its drifted targets and its targets mapped one by one as Jackson consumes the
     * iterators, so the document is streamed (an empty iterator leaves {@code <drift>} or {@code <targets>} out, as
     * an empty list did; a {@code null} drift too).
     */
    static XmlRun of(RunReport run, Iterator<RunReport.Drift> drift, Iterator<TargetReport> targets) {
        Iterator<Target> rows = mapped(targets, XmlRun::target);
        Iterator<Drifted> drifted = mapped(drift == null ? java.util.Collections.emptyIterator() : drift,
                d -> new Drifted(d.targetId(), d.versionFound(), d.versionWanted()));
        return new XmlRun(run.runId(), run.state().name(), run.haltCause(),
                run.outcome() == null ? null : run.outcome().name(),
                run.dryRun(), run.scannerOnly() ? Boolean.TRUE : null, run.reason(),
                run.patch() == null ? null : new Patch(run.patch().id(), run.patch().version()),
                run.requestedBy(), run.requestedAt(), run.completedAt(), run.expectedTargets(), run.reportLocation(),
                run.counts(),
                run.zoneErrors().stream()
                        .map(e -> new ZoneFailure(e.landingZone(), e.accountId(), e.region(), e.reason())).toList(),
                run.rollout() == null
                        ? List.of()
                        : run.rollout().clusters().stream().map(c -> new ClusterPhase(c.clusterId(), c.engine(),
                                c.phase(), c.passed(), c.reason(), c.completedAt(), Check.of(c.checks()))).toList(),
                drifted, rows);
    }

    private static <A, B> Iterator<B> mapped(Iterator<A> source, java.util.function.Function<A, B> mapping) {
        return new Iterator<>() {

            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public B next() {
                return mapping.apply(source.next());
            }
        };
    }

    private static Target target(TargetReport t) {
        var b = t.backup();
        var p = t.patch();
        var v = t.validation();
        return new Target(t.targetId(), t.status().name(), t.phase().name(), t.name(), t.kind(), t.environment(),
                t.landingZone(), t.installedVersion(), t.reason(),
                b == null
                        ? null
                        : new Backup(b.status(), b.sizeBytes(), b.location(), b.sha256(), b.note(), b.reason()),
                p == null
                        ? null
                        : new PatchResult(p.status(), p.exitCode(), p.durationMs(), p.reason(), p.outputLocation(),
                                p.outputTail(), details(p.details())),
                v == null ? null : new Validation(v.status(), Check.of(v.checks()), Check.of(v.failed())),
                Aws.of(t.aws()));
    }

    private static List<Detail> details(Map<String, String> details) {
        return new TreeMap<>(details).entrySet().stream().map(e -> new Detail(e.getKey(), e.getValue())).toList();
    }
}
