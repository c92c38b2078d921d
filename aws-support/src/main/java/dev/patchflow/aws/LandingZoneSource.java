package dev.patchflow.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * The configured landing-zone file, read again when it changes (a ConfigMap update needs no restart). Every
 * service that talks to AWS resolves a target's zone here: events name the zone, never its role.
 */
public final class LandingZoneSource {

    private final Optional<Path> file;
    private LandingZones cached;
    private FileTime cachedAt;

    public LandingZoneSource(Optional<Path> file) {
        this.file = file;
    }

    /**
     * The zones as the file says now.
     *
     * @throws LandingZoneException when no file is configured, or it is missing or invalid
     */
    public synchronized LandingZones current() {
        Path path = file.orElseThrow(() -> new LandingZoneException(
                "no landing-zone file is configured (patchflow.aws.landing-zones-file)"));
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new LandingZoneException("landing-zone file " + path + " does not exist");
        }
        if (cached == null || !modified.equals(cachedAt)) {
            cached = LandingZones.load(path);
            cachedAt = modified;
        }
        return cached;
    }

    /** The zone a target names. */
    public LandingZone zone(String name) {
        LandingZones zones = current();
        return zones.find(name).orElseThrow(() -> new LandingZoneException(
                "unknown landing zone '" + name + "' (known: " + zones.knownNames() + ")"));
    }
}
