package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredAuthKeyTest {
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
    private static final AuthKeyId ID = new AuthKeyId(-42);

    private static byte[] body(int fill) {
        byte[] b = new byte[256];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void typeCodesAreTeamgrams() {
        assertThat(AuthKeyType.PERMANENT.code()).isZero();
        assertThat(AuthKeyType.TEMPORARY.code()).isEqualTo(1);
        assertThat(AuthKeyType.MEDIA_TEMPORARY.code()).isEqualTo(2);
        for (AuthKeyType t : AuthKeyType.values()) {
            assertThat(AuthKeyType.fromCode(t.code())).isSameAs(t);
        }
        assertThatThrownBy(() -> AuthKeyType.fromCode(3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bodyMustBeExactly256Bytes() {
        assertThatThrownBy(() -> StoredAuthKey.permanent(ID, new byte[255], T)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredAuthKey.permanent(ID, new byte[257], T)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredAuthKey.permanent(ID, null, T)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void idZeroAndMissingFieldsAreRejected() {
        assertThatThrownBy(() -> StoredAuthKey.permanent(new AuthKeyId(0), body(1), T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredAuthKey.permanent(null, body(1), T)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> StoredAuthKey.permanent(ID, body(1), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new StoredAuthKey(ID, body(1), null, T, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void expiresAtRules() {
        assertThatThrownBy(() -> new StoredAuthKey(ID, body(1), AuthKeyType.PERMANENT, T, T.plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoredAuthKey(ID, body(1), AuthKeyType.TEMPORARY, T, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> StoredAuthKey.temporary(ID, body(1), AuthKeyType.TEMPORARY, T, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredAuthKey.temporary(ID, body(1), AuthKeyType.PERMANENT, T, T.plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);

        StoredAuthKey t = StoredAuthKey.temporary(ID, body(1), AuthKeyType.TEMPORARY, T, T.plusSeconds(10));
        assertThat(t.isExpiredAt(T.plusSeconds(10).minusNanos(1))).isFalse();
        assertThat(t.isExpiredAt(T.plusSeconds(10))).isTrue();
        assertThat(StoredAuthKey.permanent(ID, body(1), T).isExpiredAt(Instant.MAX)).isFalse();
    }

    @Test
    void bodyIsCopiedInAndOut() {
        byte[] b = body(7);
        StoredAuthKey k = StoredAuthKey.permanent(ID, b, T);
        b[0] = 0;
        assertThat(k.body()[0]).isEqualTo((byte) 7);
        k.body()[1] = 0;
        assertThat(k.body()[1]).isEqualTo((byte) 7);
    }

    @Test
    void equalityComparesBodyContent() {
        assertThat(StoredAuthKey.permanent(ID, body(7), T)).isEqualTo(StoredAuthKey.permanent(ID, body(7), T))
                .hasSameHashCodeAs(StoredAuthKey.permanent(ID, body(7), T));
        assertThat(StoredAuthKey.permanent(ID, body(7), T)).isNotEqualTo(StoredAuthKey.permanent(ID, body(8), T));
    }

    @Test
    void toStringNeverShowsTheBody() {
        byte[] b = body(0x5A);
        String s = StoredAuthKey.permanent(ID, b, T).toString();
        assertThat(s).contains("-42").contains("PERMANENT")
                .doesNotContain("5a5a").doesNotContain("5A5A").doesNotContain("WlpaWlpa") // hex, base64
                .doesNotContain(Arrays.toString(b).substring(0, 20))
                .doesNotContain(HexFormat.of().formatHex(b, 0, 4));
    }
}
