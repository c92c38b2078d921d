package dev.patchflow.report.adapters.mongo;

import java.time.Instant;

import dev.patchflow.report.domain.TargetView;

/** A stored target view as read ({@link TargetRowCodec}): the view and when the target became terminal, if it has. */
record TargetRow(TargetView view, Instant terminalAt) {
}
