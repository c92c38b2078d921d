package dev.patchflow.runner.adapters.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.patchflow.runner.domain.locks.Lease;
import dev.patchflow.runner.domain.locks.LeaseLocks;
import dev.patchflow.runner.domain.locks.LockHolder;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** The lease semantics of {@code locks} against a MongoDB-wire server: exclusion, expiry, fencing, refresh. */
class MongoLeaseLocksTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final LockHolder A = new LockHolder("run-1/db-1", "run-1", "runner-a");
    private static final LockHolder B = new LockHolder("run-2/db-2", "run-2", "runner-b");

    private MongoServer server;
    private MongoClient client;
    private MongoLeaseLocks locks;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        locks = new MongoLeaseLocks(new RunnerDatabase(client, "runner"));
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aLiveLeaseExcludesAnotherHolderAndTellsWhoHoldsIt() {
        Lease a = acquired(locks.tryAcquire("cluster:c1", A, T0, TTL));

        LeaseLocks.Acquisition second = locks.tryAcquire("cluster:c1", B, T0.plusSeconds(10), TTL);

        assertThat(second).isInstanceOfSatisfying(LeaseLocks.Held.class, held -> {
            assertThat(held.by().holder()).isEqualTo(A);
            assertThat(held.by().token()).isEqualTo(a.token());
            assertThat(held.by().since()).isEqualTo(T0);
        });
        Document stored = client.getDatabase("runner").getCollection("locks").find().first();
        assertThat(stored).containsEntry("_id", "cluster:c1").containsEntry("holder", "run-1/db-1")
                .containsEntry("runId", "run-1").containsEntry("owner", "runner-a");
    }

    @Test
    void anExpiredLeaseIsTakenOverWithAHigherToken() {
        Lease a = acquired(locks.tryAcquire("cluster:c1", A, T0, TTL));

        Lease b = acquired(locks.tryAcquire("cluster:c1", B, T0.plus(TTL).plusMillis(1), TTL));

        assertThat(b.holder()).isEqualTo(B);
        assertThat(b.token()).isGreaterThan(a.token());
    }

    @Test
    void theTokenIncreasesOnEveryAcquisitionAcrossHoldersAndReleases() {
        long previous = 0;
        for (int i = 0; i < 6; i++) {
            LockHolder holder = i % 2 == 0 ? A : B;
            Lease lease = acquired(locks.tryAcquire("target:t1", holder, T0.plusSeconds(i), TTL));
            assertThat(lease.token()).isGreaterThan(previous);
            previous = lease.token();
            locks.release(lease);
        }
        // Other names count on their own.
        assertThat(acquired(locks.tryAcquire("target:t2", A, T0, TTL)).token()).isEqualTo(1);
    }

    @Test
    void aStaleHolderCanNeitherRefreshNorReleaseNorPassTheFence() {
        Lease stale = acquired(locks.tryAcquire("cluster:c1", A, T0, TTL));
        Instant later = T0.plus(TTL).plusSeconds(1);
        Lease current = acquired(locks.tryAcquire("cluster:c1", B, later, TTL));

        assertThat(locks.refresh(stale, later, TTL)).isFalse();
        locks.release(stale);

        assertThat(locks.holds(stale, later)).isFalse();
        assertThat(locks.holds(current, later)).isTrue();
        assertThat(locks.tryAcquire("cluster:c1", A, later.plusSeconds(1), TTL))
                .isInstanceOf(LeaseLocks.Held.class);
    }

    @Test
    void refreshingBeforeExpiryKeepsTheLeaseWithTheSameToken() {
        Lease a = acquired(locks.tryAcquire("cluster:c1", A, T0, TTL));

        assertThat(locks.refresh(a, T0.plusSeconds(20), TTL)).isTrue();
        assertThat(locks.tryAcquire("cluster:c1", B, T0.plusSeconds(40), TTL))
                .isInstanceOf(LeaseLocks.Held.class);
        assertThat(locks.current("cluster:c1")).hasValueSatisfying(l -> {
            assertThat(l.token()).isEqualTo(a.token());
            assertThat(l.expiresAt()).isEqualTo(T0.plusSeconds(50));
        });
    }

    @Test
    void aHolderResumingItsLiveLeaseKeepsItsTokenSoWorkFencedByItStaysValid() {
        Lease before = acquired(locks.tryAcquire("cluster:c1", A, T0, TTL));

        Lease resumed = acquired(locks.resume("cluster:c1", A, T0.plusSeconds(10), TTL));

        assertThat(resumed.token()).isEqualTo(before.token());
        assertThat(resumed.expiresAt()).isEqualTo(T0.plusSeconds(40));
        assertThat(locks.holds(before, T0.plusSeconds(35))).isTrue();
        assertThat(locks.resume("cluster:c1", B, T0.plusSeconds(11), TTL)).isInstanceOf(LeaseLocks.Held.class);
    }

    @Test
    void aHolderResumingALapsedLeaseTakesItAnewWithAHigherToken() {
        Lease before = acquired(locks.tryAcquire("cluster:c1", A, T0, TTL));

        Lease resumed = acquired(locks.resume("cluster:c1", A, T0.plus(TTL).plusSeconds(1), TTL));

        assertThat(resumed.token()).isGreaterThan(before.token());
        assertThat(locks.holds(before, T0.plus(TTL).plusSeconds(2))).isFalse();
    }

    @Test
    void aReleasedLockIsFreeForTheNextHolderAtOnce() {
        Lease a = acquired(locks.tryAcquire("cluster:c1", A, T0, TTL));
        locks.release(a);

        Lease b = acquired(locks.tryAcquire("cluster:c1", B, T0.plusSeconds(1), TTL));

        assertThat(b.token()).isEqualTo(a.token() + 1);
    }

    private static Lease acquired(LeaseLocks.Acquisition acquisition) {
        assertThat(acquisition).isInstanceOf(LeaseLocks.Acquired.class);
        return ((LeaseLocks.Acquired) acquisition).lease();
    }
}
