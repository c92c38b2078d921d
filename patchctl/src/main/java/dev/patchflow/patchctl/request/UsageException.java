package dev.patchflow.patchctl.request;

/**
 * The operator asked for something that cannot be sent: a bad flag value, a config file that does
 * not parse, a request that fails the contract's schema. The message names the flag (or config
 * key) at fault; the CLI prints it and exits with the usage exit code.
 */
public class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
