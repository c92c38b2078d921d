package dev.patchflow.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the s3proxy child process: runs {@code org.gaul.s3proxy.Main} and exits as soon as the parent JVM is
 * gone, even when the parent was killed with {@code kill -9} and had no chance to stop it. Two signals: the end of
 * stdin (the parent holds the other end of the pipe; the kernel closes it when the parent dies, however it dies) and
 * the exit of the parent process.
 * <p>
 * This class is copied next to s3proxy.jar and run with it, so it must use the JDK only.
 */
public final class S3ProxyChild {

    private S3ProxyChild() {
    }

    public static void main(String[] args) throws Exception {
        Thread stdinWatch = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // the parent never writes; anything it does write is ignored
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as end of input
            }
            exit("stdin closed");
        }, "parent-stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> exit("parent exited")));

        Class.forName("org.gaul.s3proxy.Main").getMethod("main", String[].class).invoke(null, (Object) args);
    }

    private static void exit(String why) {
        System.err.println("[s3proxy-child] " + why + ": parent JVM gone, exiting");
        Thread halt = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(5);
            } catch (InterruptedException ignored) {
                // halting anyway
            }
            Runtime.getRuntime().halt(1);
        });
        halt.setDaemon(true);
        halt.start();
        System.exit(0);
    }
}
