package dev.patchflow.runner.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.patchflow.dbcluster.Member;
import dev.patchflow.dbcluster.patroni.PatroniEngine;
import dev.patchflow.dbcluster.testing.PatroniCluster;

/**
 * Watches a Patroni cluster during a rollout: every {@code period} it asks {@code /cluster} for the leaders and
 * inserts a row on the leader, recording each sample ({@code leaders}, whether the write succeeded).
 */
public final class ClusterWatch implements AutoCloseable {

    /** One look at the cluster. */
    public record Sample(long at, List<String> leaders, boolean written, String error) {
    }

    private final PatroniCluster cluster;
    private final PatroniEngine engine;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public ClusterWatch(PatroniCluster cluster, Duration period) throws Exception {
        this.cluster = cluster;
        this.engine = cluster.engine();
        try (Connection c = connectToLeader(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS watch (at bigint, leader text)");
        }
        thread = new Thread(() -> {
            while (running.get()) {
                sample();
                try {
                    Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cluster-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        long now = System.currentTimeMillis();
        List<String> leaders;
        try {
            leaders = engine.topology(cluster.ref()).leaders().stream().map(Member::name).toList();
        } catch (RuntimeException e) {
            samples.add(new Sample(now, List.of(), false, e.getMessage()));
            return;
        }
        if (leaders.size() != 1) {
            samples.add(new Sample(now, leaders, false, "leaders: " + leaders));
            return;
        }
        PatroniCluster.Node leader = cluster.node(leaders.get(0));
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + leader.pgPort()
                + "/postgres?connectTimeout=3&socketTimeout=5", "postgres", ""); Statement s = c.createStatement()) {
            s.execute("INSERT INTO watch VALUES (" + now + ", '" + leader.name() + "')");
            samples.add(new Sample(now, leaders, true, null));
        } catch (Exception e) {
            samples.add(new Sample(now, leaders, false, e.getMessage()));
        }
    }

    private Connection connectToLeader() throws Exception {
        String leader = engine.topology(cluster.ref()).leader().orElseThrow().name();
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.node(leader).pgPort()
                + "/postgres", "postgres", "");
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The longest stretch (ms) without a successful write on the leader. */
    public long longestGapWithoutWrite() {
        long gap = 0;
        long last = samples.isEmpty() ? 0 : samples.get(0).at();
        for (Sample s : samples) {
            if (s.written()) {
                gap = Math.max(gap, s.at() - last);
                last = s.at();
            }
        }
        return gap;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        thread.join(10_000);
    }
}
