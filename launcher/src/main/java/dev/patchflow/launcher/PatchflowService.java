package dev.patchflow.launcher;

/** The five services, their module folders and the HTTP ports the local run gives them. */
public enum PatchflowService {

    SCANNER("scanner-svc", 8081), BACKUP("backup-svc", 8082), PATCH_RUNNER("patch-runner-svc",
            8083), VALIDATOR("validator-svc", 8084), REPORT("report-svc", 8085);

    private final String module;
    private final int defaultPort;

    PatchflowService(String module, int defaultPort) {
        this.module = module;
        this.defaultPort = defaultPort;
    }

    public String module() {
        return module;
    }

    public int defaultPort() {
        return defaultPort;
    }
}
