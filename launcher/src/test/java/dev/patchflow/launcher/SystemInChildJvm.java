package dev.patchflow.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code ./patchflow up} runs ({@link PatchflowSystem}: the embedded stack in this JVM, s3proxy and the five
 * packaged services as children), on random ports so that it can run beside other tests. Prints the ports it took,
 * then {@code READY}, then waits to be killed. Started by {@link LauncherKillIT} as a child JVM.
 */
public final class SystemInChildJvm {

    private SystemInChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        Path home = LauncherMain.home();
        Path data = Path.of(args[0]);
        PatchflowSystem system = PatchflowSystem.start(home, data, false, Map.of(),
                line -> System.out.println("[child] " + line));
        String kafka = system.stack().kafkaBootstrapServers();
        System.out.println("PORT kafka " + kafka.substring(kafka.lastIndexOf(':') + 1));
        System.out.println("PORT mongo " + URI.create(system.stack().mongoConnectionString()).getPort());
        System.out.println("PORT s3 " + URI.create(system.stack().s3Endpoint()).getPort());
        for (PatchflowService service : PatchflowService.values()) {
            System.out.println("PORT " + service.module() + " " + system.service(service).httpPort());
        }
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
