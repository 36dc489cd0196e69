package io.mtgate.authkey;

import io.mtgate.crypto.AuthKeyId;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class SharedKeyCodecTest {
    private static final Instant T = Instant.parse("2026-11-25T12:00:00.123456789Z");

    private static byte[] body() {
        byte[] b = new byte[256];
        new SecureRandom().nextBytes(b);
        b[0] = 0;
        return b;
    }

    private static byte[] secret(int fill) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) fill);
        return s;
    }

    @Test
    void plainAndSealedRoundTripPermanentAndTemporaryKeys() {
        for (SharedKeyCodec codec : new SharedKeyCodec[] {new SharedKeyCodec(null, new SecureRandom()),
                new SharedKeyCodec(secret(1), new SecureRandom())}) {
            StoredAuthKey perm = StoredAuthKey.permanent(new AuthKeyId(-42), body(), T);
            StoredAuthKey temp = StoredAuthKey.temporary(new AuthKeyId(Long.MAX_VALUE), body(),
                    AuthKeyType.MEDIA_TEMPORARY, T, T.plusSeconds(86400));
            assertThat(codec.decode(perm.id(), codec.encode(perm))).isEqualTo(perm);
            assertThat(codec.decode(temp.id(), codec.encode(temp))).isEqualTo(temp);
        }
    }

    @Test
    void sealedValuesHideTheBodyAndBindTheId() {
        SharedKeyCodec codec = new SharedKeyCodec(secret(1), new SecureRandom());
        StoredAuthKey key = StoredAuthKey.permanent(new AuthKeyId(5), body(), T);
        String v = codec.encode(key);
        assertThat(v).startsWith("2.");
        byte[] raw = Base64.getDecoder().decode(v.substring(2));
        assertThat(indexOf(raw, Arrays.copyOfRange(key.body(), 1, 33))).isEqualTo(-1);
        assertThat(codec.decode(new AuthKeyId(6), v)).as("copied under another id").isNull();
        assertThat(new SharedKeyCodec(secret(2), new SecureRandom()).decode(key.id(), v)).as("other secret").isNull();
        assertThat(new SharedKeyCodec(null, new SecureRandom()).decode(key.id(), v)).as("no secret").isNull();
        raw[20] ^= 1;
        assertThat(codec.decode(key.id(), "2." + Base64.getEncoder().encodeToString(raw))).as("tampered").isNull();
        assertThat(codec.decode(key.id(), "garbage")).isNull();
        assertThat(codec.decode(key.id(), "*")).isNull();
    }

    @Test
    void aPlainValueIsNotAcceptedWhereValuesAreSealed() {
        StoredAuthKey key = StoredAuthKey.permanent(new AuthKeyId(5), body(), T);
        String plain = new SharedKeyCodec(null, new SecureRandom()).encode(key);
        assertThat(new SharedKeyCodec(secret(1), new SecureRandom()).decode(key.id(), plain)).isNull();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
