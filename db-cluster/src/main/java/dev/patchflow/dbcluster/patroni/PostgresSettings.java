package dev.patchflow.dbcluster.patroni;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the PostgreSQL client and server programs are on the runner's machine (for {@code pg_basebackup} and
 * the ephemeral clone), and as whom they run: PostgreSQL refuses to run as root, so a runner that is root runs
 * them as {@code runAs} (through {@code setpriv}); the clone folder must be reachable by that user.
 *
 * @param binDir e.g. {@code /usr/lib/postgresql/15/bin}
 * @param runAs the OS user to run the server and {@code pg_basebackup} as, when the runner is root
 * @param cloneDir where clones get their data directory
 * @param poll how often the engine looks at the cluster while it waits
 * @param httpTimeout one REST call's timeout (restart and switchover calls block until done: they get the step's
 *        timeout)
 */
public record PostgresSettings(Path binDir, Optional<String> runAs, Path cloneDir, Duration poll,
        Duration httpTimeout) {

    public static PostgresSettings defaults(Path cloneDir) {
        return new PostgresSettings(Path.of("/usr/lib/postgresql/15/bin"), Optional.empty(), cloneDir,
                Duration.ofMillis(500), Duration.ofSeconds(10));
    }
}
