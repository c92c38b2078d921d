package dev.patchflow.aws;

import java.util.List;
import java.util.Optional;

/**
 * One landing zone: an AWS account Patchflow reaches by assuming a role in it.
 *
 * @param name the zone's name, as requests and reports use it (e.g. {@code lz250nonprod})
 * @param accountId the 12-digit account id
 * @param roleArn the role Patchflow assumes in the account (its account must be {@code accountId})
 * @param externalId the external id the role's trust policy asks for, if any (not a secret, but not logged)
 * @param regions the regions Patchflow works in, in the file's order
 * @param environment the zone's environment, e.g. {@code nonprod}
 */
public record LandingZone(String name, String accountId, String roleArn, Optional<String> externalId,
        List<String> regions, String environment) {

    public LandingZone {
        regions = List.copyOf(regions);
        externalId = externalId == null ? Optional.empty() : externalId;
    }

    @Override
    public String toString() {
        // Never the external id: it is part of how the role is protected.
        return "LandingZone[" + name + ", account " + accountId + ", " + roleArn + ", regions " + regions
                + ", environment " + environment + "]";
    }
}
