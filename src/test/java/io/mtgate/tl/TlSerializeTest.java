package io.mtgate.tl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** {@link Tl#serialize} reuses a buffer per thread; these cases must still produce exact bytes. */
class TlSerializeTest {

    /** An object carrying {@code n} raw bytes of value {@code fill}. */
    record Blob(int n, byte fill) implements TlObject {
        @Override
        public int constructorId() {
            return 0x11223344;
        }

        @Override
        public void serializeBare(TlWriter w) {
            byte[] b = new byte[n];
            java.util.Arrays.fill(b, fill);
            w.writeRaw(b);
        }
    }

    /** An object whose serializer serializes another object on the same thread. */
    record Nested(TlObject inner) implements TlObject {
        @Override
        public int constructorId() {
            return 0x55667788;
        }

        @Override
        public void serializeBare(TlWriter w) {
            w.writeInt(1);
            w.writeRaw(Tl.serialize(inner));
            w.writeInt(2);
        }
    }

    static byte[] expectedBlob(int n, byte fill) {
        ByteBuffer b = ByteBuffer.allocate(4 + n).order(ByteOrder.LITTLE_ENDIAN).putInt(0x11223344);
        for (int i = 0; i < n; i++) {
            b.put(fill);
        }
        return b.array();
    }

    @Test
    void consecutiveCallsDoNotLeakBytesIntoEachOther() {
        assertThat(Tl.serialize(new Blob(100, (byte) 7))).isEqualTo(expectedBlob(100, (byte) 7));
        assertThat(Tl.serialize(new Blob(8, (byte) 9))).isEqualTo(expectedBlob(8, (byte) 9));
    }

    @Test
    void aSerializerThatSerializesGetsItsOwnBuffer() {
        byte[] inner = expectedBlob(40, (byte) 3);
        ByteBuffer want = ByteBuffer.allocate(4 + 4 + inner.length + 4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x55667788).putInt(1).put(inner).putInt(2);
        assertThat(Tl.serialize(new Nested(new Blob(40, (byte) 3)))).isEqualTo(want.array());
        assertThat(Tl.serialize(new Blob(4, (byte) 1))).isEqualTo(expectedBlob(4, (byte) 1));
    }

    @Test
    void largeValuesAreExactAndLaterSmallOnesToo() {
        assertThat(Tl.serialize(new Blob(200_000, (byte) 5))).isEqualTo(expectedBlob(200_000, (byte) 5));
        assertThat(Tl.serialize(new Blob(12, (byte) 6))).isEqualTo(expectedBlob(12, (byte) 6));
    }
}
