package dev.patchflow.runner.domain.rollout;

import java.util.Optional;

import dev.patchflow.schemas.events.RunContext;

/**
 * A rule that may hold a candidate back before the rollout policy lets it start: asked for every candidate the
 * policy would start (after the budget, the canary gate, the batches and the cluster order said yes). Beans of
 * this type are consulted in turn; the first reason given holds the target (it stays queued and is asked again
 * on a later pass), other targets of the run go on. None exists by default. (A rule that lets a cluster's
 * production nodes start only after a test on a clone of the cluster passed, for instance, is one.)
 */
public interface AdmissionGate {

    /**
     * @param run the candidate's run
     * @param candidate the target asking to start, with its cluster, role and landing zone
     * @return why it must wait, or empty to let it start
     */
    Optional<String> hold(RunContext run, RolloutPlanner.Candidate candidate);
}
