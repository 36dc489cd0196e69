package io.mtgate.crypto;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** The little DER needed for PKCS#1 RSA keys: SEQUENCE of INTEGERs. */
final class Der {
    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;

    private Der() {
    }

    /** Parses a DER SEQUENCE made only of INTEGERs occupying all of {@code der}. */
    static List<BigInteger> readIntegerSequence(byte[] der) throws CryptoException {
        int[] pos = {0};
        int seqLen = readHeader(der, pos, SEQUENCE);
        if (pos[0] + seqLen != der.length) {
            throw new CryptoException("DER: trailing data after SEQUENCE");
        }
        List<BigInteger> out = new ArrayList<>();
        while (pos[0] < der.length) {
            int len = readHeader(der, pos, INTEGER);
            if (len == 0) {
                throw new CryptoException("DER: empty INTEGER");
            }
            byte[] v = Bytes.slice(der, pos[0], len);
            out.add(new BigInteger(v));
            pos[0] += len;
        }
        return out;
    }

    private static int readHeader(byte[] der, int[] pos, int tag) throws CryptoException {
        int p = pos[0];
        if (p + 2 > der.length || (der[p] & 0xFF) != tag) {
            throw new CryptoException("DER: expected tag " + tag);
        }
        p++;
        int first = der[p++] & 0xFF;
        int len;
        if (first < 0x80) {
            len = first;
        } else {
            int n = first & 0x7F;
            if (n == 0 || n > 3 || p + n > der.length) {
                throw new CryptoException("DER: bad length");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[p++] & 0xFF);
            }
        }
        if (len > der.length - p) {
            throw new CryptoException("DER: length past end");
        }
        pos[0] = p;
        return len;
    }

    static byte[] writeIntegerSequence(BigInteger... values) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (BigInteger v : values) {
            byte[] b = v.toByteArray(); // two's complement, minimal: exactly DER INTEGER content
            body.write(INTEGER);
            writeLength(body, b.length);
            body.writeBytes(b);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(SEQUENCE);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int len) {
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
    }
}
