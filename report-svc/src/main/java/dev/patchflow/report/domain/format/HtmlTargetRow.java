package dev.patchflow.report.domain.format;

import java.util.List;
import java.util.Objects;

import io.quarkus.qute.HtmlEscaper;

import dev.patchflow.report.domain.AwsReport;
import dev.patchflow.report.domain.BackupView;
import dev.patchflow.report.domain.PatchView;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.report.domain.ValidationView;
import dev.patchflow.schemas.events.CheckResult;

/**
 * One target's row of the downloadable report.html, written as Qute writes {@code templates/_target_row.html}
 * without story links (the dashboard's run page keeps rendering that template): the same markup, byte for byte, and
 * every value escaped by Qute's own {@link HtmlEscaper}. {@code ReportStreamingTest} holds the two side by side for
 * every combination of stage facts and every optional field absent, empty, zero or full of markup; a change to the
 * template fails it until this class follows.
 * <p>
 * Why not the template: a row is about forty-five expressions, and Qute evaluates each through its resolver chain
 * and a completion stage of its own. For a running run of 100,000 targets that was 0.53 s of CPU and 1.4 GB of
 * allocation in isolation, and in the reports benchmark, beside the MongoDB-wire server on the same two cores, the
 * largest single share of the 2 s a running report.html took; the same row written here costs a fifth of that CPU
 * and a sixth of that allocation (0.11 s, 213 MB; report-svc README, "Reports at scale").
 * <p>
 * The conditions follow Qute's truthiness ({@code {#if x}}): {@code null}, an empty string and the number zero are
 * false (the failed checks are a loop: none, nothing); {@code ?:} replaces only {@code null}.
 */
final class HtmlTargetRow {

    private static final HtmlEscaper ESCAPER = new HtmlEscaper(List.of());
    private static final String INDENT = "\n        ";
    private static final String NONE = "<span class=\"small\">&mdash;</span>";
    private static final String SMALL = "<div class=\"small\">";
    private static final String SMALL_MONO = "<div class=\"small mono\">";

    private HtmlTargetRow() {
    }

    /** Appends the row, ending with its line break, to {@code out}. */
    static void write(TargetReport t, StringBuilder out) {
        out.append("  <tr>\n    <td><b>");
        text(out, t.targetId());
        out.append("</b>");
        if (!Objects.equals(t.name(), t.targetId())) {
            div(out, SMALL, t.name());
        }
        out.append("</td>\n    <td>");
        text(out, t.kind());
        out.append("</td>\n    <td>");
        text(out, t.environment());
        if (truthy(t.landingZone())) {
            out.append(" / ");
            text(out, t.landingZone());
        }
        out.append("</td>\n    <td class=\"mono\">");
        text(out, t.installedVersion());
        out.append("</td>\n    <td>");
        badge(t.status(), out);
        out.append("</td>\n    <td><span class=\"small\">");
        text(out, t.phase());
        out.append("</span></td>\n    <td>");
        backup(t.backup(), out);
        out.append("</td>\n    <td>");
        patch(t.patch(), out);
        out.append("</td>\n    <td>");
        validation(t.validation(), out);
        out.append("</td>\n    <td class=\"reason\">");
        text(out, t.reason());
        out.append("</td>\n    <td>");
        aws(t.aws(), out);
        out.append("</td>\n  </tr>\n");
    }

    private static void backup(BackupView b, StringBuilder out) {
        if (b == null) {
            out.append(NONE);
            return;
        }
        badge(b.status(), out);
        out.append(INDENT);
        div(out, SMALL_MONO, b.location());
        out.append(INDENT);
        if (truthy(b.sha256())) {
            out.append("<div class=\"small mono sha\" title=\"");
            text(out, b.sha256());
            out.append("\">sha256 ");
            text(out, b.sha256());
            out.append("</div>");
        }
        out.append(INDENT);
        if (b.sizeBytes() != null && b.sizeBytes() != 0) {
            out.append("<div class=\"small\">").append(b.sizeBytes().longValue()).append(" bytes</div>");
        }
        out.append(INDENT);
        div(out, SMALL, b.note());
        out.append(INDENT);
    }

    private static void patch(PatchView p, StringBuilder out) {
        if (p == null) {
            out.append(NONE);
            return;
        }
        badge(p.status(), out);
        out.append(INDENT);
        if (p.exitCode() != null) {
            out.append("<div class=\"small\">exit ").append(p.exitCode().intValue());
            if (p.durationMs() != null) {
                out.append(", ").append(p.durationMs().longValue()).append(" ms");
            }
            out.append("</div>");
        }
        out.append(INDENT);
        div(out, SMALL_MONO, p.outputLocation());
        out.append(INDENT);
    }

    private static void validation(ValidationView v, StringBuilder out) {
        if (v == null) {
            out.append(NONE);
            return;
        }
        badge(v.status(), out);
        out.append(INDENT);
        for (CheckResult c : v.failed()) {
            out.append("<div class=\"small\">✗ ");
            text(out, c.name());
            out.append(": ");
            text(out, c.detail() == null ? "failed" : c.detail());
            out.append("</div>");
        }
        out.append(INDENT);
    }

    private static void aws(AwsReport a, StringBuilder out) {
        if (a == null) {
            out.append(NONE);
            return;
        }
        out.append("<span class=\"mono\">");
        text(out, a.instanceId());
        out.append("</span>").append(INDENT).append("<div class=\"small\">");
        text(out, a.accountId());
        out.append(' ');
        text(out, a.region());
        out.append(' ');
        text(out, a.availabilityZone());
        out.append(' ');
        text(out, a.instanceType());
        out.append("</div>").append(INDENT).append("<div class=\"small\">");
        text(out, a.platformName() != null ? a.platformName() : a.platform());
        if (truthy(a.privateIp())) {
            out.append(" · ");
            text(out, a.privateIp());
        }
        out.append("</div>").append(INDENT).append("<div class=\"small\">power ");
        text(out, a.initialState() != null ? a.initialState() : "?");
        out.append(" → ");
        text(out, a.currentState() != null ? a.currentState() : "?");
        if (a.powerRestored() != null) {
            if (a.powerRestored()) {
                out.append(" (restored)");
            } else {
                out.append(" (not restored: ");
                text(out, a.powerReason() != null ? a.powerReason() : "unknown");
                out.append(')');
            }
        }
        out.append("</div>").append(INDENT).append("<div class=\"small\">SSM ");
        text(out, a.ssmStatus() != null ? a.ssmStatus() : "unknown");
        if (truthy(a.ssmAgentVersion())) {
            out.append(' ');
            text(out, a.ssmAgentVersion());
        }
        if (truthy(a.ssmCommandId())) {
            out.append(" · command <span class=\"mono\">");
            text(out, a.ssmCommandId());
            out.append("</span>");
        }
        out.append("</div>").append(INDENT);
        if (truthy(a.amiId())) {
            out.append("<div class=\"small\">AMI <span class=\"mono\">");
            text(out, a.amiId());
            out.append("</span>");
            if (truthy(a.amiCreatedAt())) {
                out.append(" created ");
                text(out, a.amiCreatedAt());
            }
            if (truthy(a.amiRetainUntil())) {
                out.append(", retain until ");
                text(out, a.amiRetainUntil());
            }
            out.append("</div>");
        }
        out.append(INDENT);
    }

    /** {@code <div class="…">value</div>} when the value is truthy ({@code {#if value}…{/if}}), else nothing. */
    private static void div(StringBuilder out, String openingTag, String value) {
        if (truthy(value)) {
            out.append(openingTag);
            text(out, value);
            out.append("</div>");
        }
    }

    /** {@code <span class="badge S">S</span>}: the target's status, and the first line of a stage's cell. */
    private static void badge(Object status, StringBuilder out) {
        out.append("<span class=\"badge ");
        text(out, status);
        out.append("\">");
        text(out, status);
        out.append("</span>");
    }

    /** A value as Qute prints an expression in an HTML template: escaped, and nothing for {@code null}. */
    private static void text(StringBuilder out, Object value) {
        if (value != null) {
            out.append(ESCAPER.map(value, null));
        }
    }

    /** Qute's {@code {#if}} for a text: neither {@code null} nor empty. */
    private static boolean truthy(String value) {
        return value != null && !value.isEmpty();
    }
}
