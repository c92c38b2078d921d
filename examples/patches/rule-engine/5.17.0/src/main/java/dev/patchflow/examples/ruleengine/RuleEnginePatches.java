package dev.patchflow.examples.ruleengine;

import java.util.List;

import dev.patchflow.sdk.Credentials;
import dev.patchflow.sdk.PatchMain;

/** The image's entry point: every patch of rule-engine 5.17.0, in order. */
public final class RuleEnginePatches {

    private RuleEnginePatches() {
    }

    public static void main(String[] args) {
        Credentials credentials = Credentials.fromEnvironment();
        System.exit(PatchMain.run(List.of(new FixRuleSeverity(credentials)), args));
    }
}
