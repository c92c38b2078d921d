package dev.patchflow.aws;

/**
 * The landing-zone file cannot be used, or a request names a zone it does not have. The message names the file,
 * the zone and the field, and is what a rejected run reports.
 */
public class LandingZoneException extends RuntimeException {

    public LandingZoneException(String message) {
        super(message);
    }

    public LandingZoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
