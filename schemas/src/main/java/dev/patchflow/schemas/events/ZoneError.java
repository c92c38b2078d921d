package dev.patchflow.schemas.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A landing zone (or one region of it) the scanner could not scan, and why: the role could not be assumed
 * (AccessDenied, an expired base token), the region is unknown, the scan timed out. The run goes on with the
 * other zones; the report lists these.
 *
 * @param region {@code null} when the whole zone failed (e.g. its role could not be assumed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ZoneError(String landingZone, String accountId, String region, String reason) {
}
