package dev.patchflow.dbcluster;

import java.util.List;
import java.util.Optional;

/** The members of a cluster at one moment, in the cluster's order. */
public record Topology(String clusterId, List<Member> members) {

    public Topology {
        members = List.copyOf(members);
    }

    public List<Member> leaders() {
        return members.stream().filter(Member::leader).toList();
    }

    public Optional<Member> leader() {
        List<Member> leaders = leaders();
        return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
    }

    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public Member require(String name) {
        return member(name).orElseThrow(() -> new ClusterException("cluster " + clusterId + " has no member '" + name
                + "' (members: " + String.join(", ", members.stream().map(Member::name).toList()) + ")"));
    }
}
