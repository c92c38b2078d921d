package dev.patchflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;

class UniqueIndexKeyOrderTest {

    @Test
    void ordersIndexKeysExactlyAsH2Does() {
        Random random = new Random(42);
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            keys.add(new KeyValue(switch (i % 5) {
                case 0 -> "run-" + random.nextInt(50) + "|t-" + random.nextInt(1000);
                case 1 -> random.nextInt(2000) - 1000;
                case 2 -> random.nextLong();
                case 3 -> new Document("run", "r" + random.nextInt(9)).append("target", "t" + random.nextInt(9));
                default -> random.nextDouble();
            }));
        }
        // keys of other types in the same map are left to H2
        keys.add("a plain string");
        keys.add(7);
        ObjectDataType h2 = new ObjectDataType();
        UniqueIndexKeyOrder order = new UniqueIndexKeyOrder();
        for (int round = 0; round < 2; round++) { // the second round compares the bytes remembered in the first
            for (Object a : keys) {
                for (Object b : keys) {
                    assertThat(Integer.signum(order.compare(a, b))).as("%s vs %s", a, b)
                            .isEqualTo(Integer.signum(h2.compare(a, b)));
                }
            }
        }
        // an equal key made afresh (a lookup's) compares as equal to the one in the map
        assertThat(order.compare(new KeyValue("run-1|t-1"), new KeyValue("run-1|t-1"))).isZero();
    }

    @Test
    void theIdIndexOfAFileIsKeptInThatOrder(@TempDir Path dir) {
        H2Backend backend = (H2Backend) IdLookupBackends.file(dir.resolve("mongo.mv"));
        try {
            @SuppressWarnings("unchecked")
            var collection = (de.bwaldvogel.mongo.MongoCollection<Object>) backend.resolveDatabase("db")
                    .createCollectionOrThrowIfExists("targets");
            collection.addDocument(new Document("_id", "run-1|t-1").append("n", 1));
            MVMap<Object, Object> idIndex = backend.getMvStore().openMap("db.targets._index__id_");
            assertThat(idIndex.getKeyType()).isInstanceOf(UniqueIndexKeyOrder.class);
            assertThat(idIndex.keySet()).containsExactly(new KeyValue("run-1|t-1"));
        } finally {
            backend.close();
        }
    }
}
