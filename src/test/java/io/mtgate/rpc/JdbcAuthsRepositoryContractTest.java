package io.mtgate.rpc;

import io.mtgate.authkey.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.crypto.AuthKeyId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

/** {@link JdbcAuthsRepository} on one database vendor (subclasses pick it). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcAuthsRepositoryContractTest {
    static final AuthKeyId KEY = new AuthKeyId(-8_000_000_000_000_000_123L);
    static final ClientInfo TDESKTOP = new ClientInfo(2040, "PC 64bit", "Linux", "5.1 x64", "en-US", "tdesktop", "en",
            null, "{\"tz_offset\":3600}");

    TestDatabase db;
    JdbcAuthsRepository repo;
    private String skipReason;

    protected abstract TestDatabase openDatabase();

    @BeforeAll
    void open() {
        try {
            db = openDatabase();
            repo = new JdbcAuthsRepository(db.dataSource());
        } catch (TestAbortedException e) {
            skipReason = e.getMessage();
            System.err.println("SKIPPED " + getClass().getSimpleName() + ": " + skipReason);
        }
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void wipe() {
        Assumptions.assumeTrue(db != null, () -> skipReason);
        db.jdbc.sql("DELETE FROM auths").update();
    }

    private long rows() {
        return db.jdbc.sql("SELECT COUNT(*) FROM auths").query(Long.class).single();
    }

    @Test
    void emptyTableFindsNothing() {
        assertThat(repo.find(KEY)).isEmpty();
        assertThat(repo.updateLayer(KEY, 198, 1)).isFalse();
    }

    @Test
    void upsertInsertsThenReplaces() {
        AuthRecord first = new AuthRecord(KEY, 198, TDESKTOP, "198.51.100.7", 1_767_225_600L);
        repo.upsert(first);
        assertThat(repo.find(KEY)).contains(first);

        ClientInfo android = new ClientInfo(6, "Pixel", "Android 15", "11.0", "de-DE", "android", "de",
                new ClientInfo.ClientProxy("203.0.113.9", 443), "{\"x\":[1,true,null,\"s\"]}");
        AuthRecord second = new AuthRecord(KEY, 228, android, "2001:db8::1", 1_767_225_700L);
        repo.upsert(second);
        assertThat(repo.find(KEY)).contains(second);
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void updateLayerChangesOnlyTheLayerAndDate() {
        repo.upsert(new AuthRecord(KEY, 198, TDESKTOP, "", 10));
        assertThat(repo.updateLayer(KEY, 222, 20)).isTrue();
        assertThat(repo.find(KEY)).contains(new AuthRecord(KEY, 222, TDESKTOP, "", 20));
    }

    @Test
    void aDeletedRowIsNotFoundAndAnUpsertRevivesIt() {
        repo.upsert(new AuthRecord(KEY, 198, TDESKTOP, "", 10));
        db.jdbc.sql("UPDATE auths SET deleted = 1").update();
        assertThat(repo.find(KEY)).isEmpty();
        repo.upsert(new AuthRecord(KEY, 158, TDESKTOP, "", 11));
        assertThat(repo.find(KEY)).contains(new AuthRecord(KEY, 158, TDESKTOP, "", 11));
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void clientStringsAreCutToTheColumnsAndCleaned() {
        String emoji = "\uD83D\uDE00"; // one code point, two UTF-16 units
        String model = "a".repeat(253) + emoji + "tail";
        String cutInsidePair = "b".repeat(254) + emoji;
        ClientInfo c = new ClientInfo(1, model, "nul\0here", cutInsidePair, "en", "", "en", null, "{}");
        repo.upsert(new AuthRecord(KEY, 144, c, "0000:0000:0000:0000:0000:ffff:c633:6407", 1));
        AuthRecord back = repo.find(KEY).orElseThrow();
        assertThat(back.client().deviceModel()).isEqualTo("a".repeat(253) + emoji);
        assertThat(back.client().appVersion()).isEqualTo("b".repeat(254));
        assertThat(back.client().systemVersion()).isEqualTo("nul\uFFFDhere");
        assertThat(back.clientIp()).isEmpty(); // 39 characters do not fit client_ip varchar(32)
    }

    @Test
    void oversizedParamsAreStoredAsAnEmptyObject() {
        String big = "{\"k\":\"" + "x".repeat(JdbcAuthsRepository.MAX_PARAMS_CHARS) + "\"}";
        repo.upsert(new AuthRecord(KEY, 144, new ClientInfo(1, "", "", "", "", "", "", null, big), "", 1));
        assertThat(repo.find(KEY).orElseThrow().client().paramsJson()).isEqualTo("{}");
    }

    @Test
    void concurrentUpsertsOfOneKeyLeaveOneRow() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int layer = 144 + i;
                fs.add(pool.submit(() -> {
                    go.await();
                    repo.upsert(new AuthRecord(KEY, layer, TDESKTOP, "", layer));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get(); // none failed
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rows()).isEqualTo(1);
        assertThat(repo.find(KEY).orElseThrow().layer()).isBetween(144, 151);
    }
}
