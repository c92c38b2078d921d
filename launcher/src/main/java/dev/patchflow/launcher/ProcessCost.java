package dev.patchflow.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import dev.patchflow.localstack.ServiceProcess;

/**
 * What starting one process costs on this machine, the benchmark's reference for the executor processes: a shell
 * starts {@code true} ({@code /bin/true}, a program, not the shell's built-in) {@code processes} times, one after the
 * other, a fork and an exec each, as the runner starts one launcher shell per target. The wall time, and the CPU of
 * the shell and its children, read from this JVM's /proc entry once the shell has ended.
 * <p>
 * A dry run starts one executor process per target (docs/PIPELINE-SEMANTICS.md), so the cores divided by a process's
 * CPU ({@link #targetsPerSecondAtMost}) bound the pipeline's targets/s however cheap everything else becomes.
 *
 * @param cpu the shell's CPU and its children's
 */
record ProcessCost(int processes, double seconds, Duration cpu) {

    private static final String LOOP = "i=0; while [ \"$i\" -lt \"$1\" ]; do \"$2\"; i=$((i + 1)); done";

    /**
     * @return empty where there is no {@code /bin/sh}, no {@code true} program or no /proc (not Linux)
     * @throws IllegalArgumentException when {@code processes} is not positive
     * @throws IllegalStateException when the shell fails
     */
    static Optional<ProcessCost> measure(int processes) throws IOException, InterruptedException {
        if (processes < 1) {
            throw new IllegalArgumentException("processes must be at least 1, was " + processes);
        }
        Optional<Path> program = Stream.of("/bin/true", "/usr/bin/true").map(Path::of).filter(Files::isExecutable)
                .findFirst();
        long self = ProcessHandle.current().pid();
        Optional<Duration> before = ServiceProcess.endedChildrenCpuTime(self);
        if (program.isEmpty() || before.isEmpty() || !Files.isExecutable(Path.of("/bin/sh"))) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        Process shell = new ProcessBuilder("/bin/sh", "-c", LOOP, "process-cost", Integer.toString(processes),
                program.get().toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        int exit = shell.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("the shell starting " + program.get() + " " + processes
                    + " times exited with " + exit);
        }
        // The reaped shell's CPU, and its children's, is now in this JVM's cutime and cstime.
        Duration after = ServiceProcess.endedChildrenCpuTime(self).orElseThrow();
        return Optional.of(new ProcessCost(processes, seconds, after.minus(before.get())));
    }

    double cpuMillisEach() {
        return cpu.toNanos() / 1e6 / processes;
    }

    /** One process per target: the targets/s {@code cores} allow for the processes alone. */
    double targetsPerSecondAtMost(int cores) {
        return cores * 1000 / Math.max(cpuMillisEach(), 0.001);
    }
}
