package dev.patchflow.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.patchflow.localstack.FileTrees;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar launcher/target/launcher.jar demo|up|benchmark|benchmark-reports}: Patchflow on one machine. */
// INHERIT: every subcommand answers --help and --version too (`patchflow benchmark --help` was "Unknown option").
@Command(name = "patchflow", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, subcommands = {
        LauncherMain.Demo.class,
        LauncherMain.Up.class, PipelineBenchmark.class,
        ReportBenchmark.class}, description = "Runs Patchflow on this machine.")
public final class LauncherMain {

    public static void main(String[] args) {
        // Before anything touches java.util.logging: the embedded broker logs through JBoss LogManager,
        // configured by logging.properties (libraries at WARN).
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        System.exit(commandLine().execute(args));
    }

    /** Exit code when another run holds the data dir. */
    static final int IN_USE = 75;

    /**
     * The launcher's command line: a data dir held by another run is one line naming it (and exit code
     * {@value #IN_USE}), anything else picocli's stack trace.
     */
    static CommandLine commandLine() {
        return new CommandLine(new LauncherMain()).setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (!(e instanceof DataDirLock.InUseException)) {
                throw e;
            }
            cmd.getErr().println("patchflow: " + e.getMessage());
            cmd.getErr().flush();
            return IN_USE;
        });
    }

    /** Where the repository is: the launcher finds the packaged services and the examples there. */
    static Path home() {
        String configured = System.getProperty("patchflow.home", System.getenv("PATCHFLOW_HOME"));
        return Path.of(configured == null ? "." : configured).toAbsolutePath().normalize();
    }

    static void say(String line) {
        System.out.println("[patchflow] " + line);
    }

    /**
     * The local demo tokens, to this terminal only (the user's own; they are also in {@code <dataDir>/auth/<role>.token},
     * mode 0600). The services never see them, so they never reach a service log, an event or a report.
     */
    static void sayTokens(PatchflowSystem system) {
        system.tokens().forEach((role, token) -> say("token " + role + ": " + token));
        say("tokens are in " + system.authDir() + "/<role>.token; e.g. export PATCHFLOW_TOKEN=$(cat "
                + system.authDir().resolve("operator.token") + ")");
    }

    @Command(name = "up", description = "Starts the embedded stack and the five services and keeps them running "
            + "until Ctrl-C.")
    static final class Up implements Callable<Integer> {

        @Option(names = "--data-dir", description = "Where all state lives (default: ${DEFAULT-VALUE}).", defaultValue = ".patchflow")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            PatchflowSystem system = PatchflowSystem.start(home(), dataDir.toAbsolutePath(), true, Map.of(),
                    LauncherMain::say);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                say("stopping everything");
                system.close();
                stopped.countDown();
            }));
            sayTokens(system);
            say("signed packages: the runner trusts the keys in " + system.trustedKeysDir() + "; add yours with "
                    + "patchctl package trust <name>.pub.pem (see the README's release flow)");
            say("dashboard: " + system.reportUrl() + "/   (Ctrl-C stops everything)");
            stopped.await();
            return 0;
        }
    }

    @Command(name = "demo", description = "Starts everything, creates a demo fleet of local app installs and runs "
            + "a demo patch through the whole pipeline.")
    static final class Demo implements Callable<Integer> {

        @Option(names = "--data-dir", description = "Where all state lives (default: ${DEFAULT-VALUE}).", defaultValue = ".patchflow")
        Path dataDir;

        @Option(names = "--targets", description = "Installs in the demo fleet (default: ${DEFAULT-VALUE}).", defaultValue = "6")
        int targets;

        @Option(names = "--exit-when-done", description = "Run the demo to completion, stop everything and exit 0; "
                + "the last line printed is the folder holding the four report files.")
        boolean exitWhenDone;

        @Option(names = "--fresh", description = "Start again: recreate the demo fleet at version 1.0.0 and empty "
                + "the stack, the patch ledger included (otherwise an already patched fleet shows ALREADY_APPLIED, "
                + "which is the ledger at work).")
        boolean fresh;

        @Override
        public Integer call() throws Exception {
            if (targets < 4) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--targets must be at least 4 (the demo fleet has one install at 1.1.0, one at 0.9.0 and "
                                + "one unhealthy besides the 1.0.0 ones)");
            }
            Path data = dataDir.toAbsolutePath().normalize();
            Path home = home();
            DemoRelease release = new DemoRelease(home, data);
            // Taken first and held to the end: no other run uses the data dir while the release is made, between
            // --fresh and the start, or while this one runs.
            DataDirLock lock = DataDirLock.acquire(data);
            try {
                say("making the signed demo release " + DemoRelease.VERSION + " with patchctl package keygen/create");
                release.build();

                say("trusting its key with patchctl package trust");
                release.trust(data.resolve(PatchflowSystem.TRUSTED_KEYS));
                if (fresh) {
                    // The ledger remembers app-01… as patched: recreated installs of the same names would be
                    // reported ALREADY_APPLIED at 1.0.0 and fail their validation.
                    say("--fresh: emptying the stack's state in " + data.resolve(PatchflowSystem.STACK));
                    PatchflowSystem.forgetState(lock);
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                lock.close();
                throw e;
            }
            PatchflowSystem system = PatchflowSystem.start(home, lock, true, true, Map.of(), LauncherMain::say);
            sayTokens(system);
            Thread stopper = new Thread(() -> {
                say("stopping everything");
                system.close();
            });
            Runtime.getRuntime().addShutdownHook(stopper);

            say("publishing it to the patch catalog with patchctl package publish");
            String manifest = release.publish(system.stack().s3Endpoint(), system.stack().s3AccessKey(),
                    system.stack().s3SecretKey());

            DemoFleet fleet = new DemoFleet(home, data.resolve("demo-fleet"));
            if (fresh) {
                FileTrees.delete(fleet.root());
            }
            if (!Files.isDirectory(fleet.root())) {
                for (int i = 1; i <= targets; i++) {
                    // One install already at the release, one too old for the patch package, the rest at 1.0.0.
                    String version = i == targets - 1 ? DemoRelease.VERSION : i == targets ? "0.9.0" : "1.0.0";
                    Path install = fleet.createAt(String.format("app-%02d", i), version, "dev", i);
                    if (i == 2) {
                        DemoFleet.markUnhealthy(install, "listener did not come up on its port");
                    }
                }
                say("demo fleet: " + targets + " installs of demo-app in " + fleet.root() + ": app-"
                        + String.format("%02d", targets - 1) + " is already at " + DemoRelease.VERSION + ", app-"
                        + String.format("%02d", targets) + " at 0.9.0 (needs the full package), the rest at 1.0.0; "
                        + "app-02 is unhealthy on purpose, to show a failed validation");
            } else {
                say("demo fleet: reusing " + fleet.root() + " (use --fresh to start again)");
            }

            String runId = "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path reports = data.resolve("reports");
            say("publishing PatchRequested " + runId + " with patchctl; following it until RunCompleted");
            int exit = new Patchctl(home).run(List.of("request",
                    "--run-id", runId,
                    "--bootstrap-servers", system.stack().kafkaBootstrapServers(),
                    "--report-url", system.reportUrl(),
                    "--inventory", fleet.root().toString(),
                    "--environment", "dev",
                    "--patch-id", "demo-app",
                    "--patch-version", DemoRelease.VERSION,
                    "--package-manifest", manifest,
                    "--max-concurrency", "3",
                    "--check", "version",
                    "--check-command", "sh bin/health.sh",
                    "--follow",
                    "--output-dir", reports.toString()), system.token("operator"));
            Path runReports = reports.resolve(runId);
            // patchctl: 0 = every target succeeded, 3 = the run completed with failed targets (the demo
            // fleet has one on purpose); anything else means the run did not complete.
            boolean completed = exit == 0 || exit == 3;
            say(completed
                    ? "run " + runId + " completed"
                    : "run " + runId + " did not complete (patchctl exit " + exit + ")");
            say("dashboard:  " + system.reportUrl() + "/runs/" + runId + "   (log in with a token printed above, from "
                    + system.authDir() + ")");
            say("S3 reports: " + system.stack().s3Endpoint() + "/" + system.stack().s3Bucket() + "/reports/" + runId
                    + "/");
            say("service logs: " + data.resolve("logs"));
            if (exitWhenDone || !completed) {
                Runtime.getRuntime().removeShutdownHook(stopper);
                system.close();
                System.out.println(runReports);
                return completed ? 0 : 1;
            }
            say("reports:    " + runReports);
            say("everything keeps running so that you can look around; Ctrl-C stops it all");
            new CountDownLatch(1).await();
            return 0;
        }
    }
}
