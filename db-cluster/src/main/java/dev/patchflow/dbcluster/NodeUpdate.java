package dev.patchflow.dbcluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The node-level update of one member: the request's command (argv, no shell) and, for engines that stop the
 * database around it (MongoDB), the stop and start commands. The environment is added to the command's: the
 * runner passes the {@code PATCHFLOW_*} variables of the target, the engine adds the member's
 * ({@code PATCHFLOW_DB_MEMBER}, {@code PATCHFLOW_DB_HOST}, {@code PATCHFLOW_DB_PORT}, and for a clone
 * {@code PATCHFLOW_DB_DATA_DIR}).
 *
 * @param output the file the commands' output is appended to
 */
public record NodeUpdate(List<String> command, List<String> stopCommand, List<String> startCommand,
        Map<String, String> environment, Duration timeout, Path output) {

    public NodeUpdate {
        command = List.copyOf(command);
        stopCommand = stopCommand == null ? List.of() : List.copyOf(stopCommand);
        startCommand = startCommand == null ? List.of() : List.copyOf(startCommand);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
}
