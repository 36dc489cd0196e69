package io.mtgate.crypto;

import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;

/** The AES-IGE implementations under test, and a textbook reference. */
final class IgeImpls {
    private IgeImpls() {
    }

    interface Ige {
        void encrypt(byte[] key, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff);

        void decrypt(byte[] key, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff);

        /** Skips (JUnit assumption) when this implementation cannot run here. */
        default void assumeAvailable() {
        }

        default byte[] encrypt(byte[] key, byte[] iv, byte[] data) {
            byte[] out = new byte[data.length];
            encrypt(key, iv, data, 0, data.length, out, 0);
            return out;
        }

        default byte[] decrypt(byte[] key, byte[] iv, byte[] data) {
            byte[] out = new byte[data.length];
            decrypt(key, iv, data, 0, data.length, out, 0);
            return out;
        }
    }

    /** Public dispatcher (whatever AesIge chose in this JVM). */
    static final Ige AES_IGE = new Ige() {
        @Override
        public void encrypt(byte[] k, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
            AesIge.encrypt(k, iv, in, inOff, len, out, outOff);
        }

        @Override
        public void decrypt(byte[] k, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
            AesIge.decrypt(k, iv, in, inOff, len, out, outOff);
        }

        @Override
        public String toString() {
            return "AesIge(" + AesIge.implementation() + ")";
        }
    };

    static final Ige JDK = new Ige() {
        @Override
        public void encrypt(byte[] k, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
            JdkAesIge.encrypt(k, iv, in, inOff, len, out, outOff);
        }

        @Override
        public void decrypt(byte[] k, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
            JdkAesIge.decrypt(k, iv, in, inOff, len, out, outOff);
        }

        @Override
        public String toString() {
            return "jdk";
        }
    };

    static final Ige NATIVE = nativeWithChunk(NativeAesIge.CHUNK);

    /** The native kernel pinning at most {@code chunk} bytes per critical region. */
    static Ige nativeWithChunk(int chunk) {
        return new Ige() {
            @Override
            public void encrypt(byte[] k, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
                NativeAesIge.process(true, k, iv, in, inOff, len, out, outOff, chunk);
            }

            @Override
            public void decrypt(byte[] k, byte[] iv, byte[] in, int inOff, int len, byte[] out, int outOff) {
                NativeAesIge.process(false, k, iv, in, inOff, len, out, outOff, chunk);
            }

            @Override
            public void assumeAvailable() {
                Assumptions.assumeTrue(NativeAesIge.isAvailable(),
                        () -> "native kernel unavailable: " + NativeLibrary.unavailableReason());
            }

            @Override
            public String toString() {
                return chunk == NativeAesIge.CHUNK ? "native" : "native(chunk=" + chunk + ")";
            }
        };
    }

    static List<Ige> all() {
        return List.of(AES_IGE, JDK, NATIVE);
    }

    /** Textbook IGE, one ECB block at a time, as an independent reference. */
    static byte[] reference(boolean encrypt, byte[] key, byte[] iv, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"));
            byte[] out = new byte[data.length];
            // encrypt: prevIn = p_{-1} = iv[16..32), prevOut = c_{-1} = iv[0..16)
            // decrypt: prevIn = c_{-1} = iv[0..16),  prevOut = p_{-1} = iv[16..32)
            byte[] prevIn = Arrays.copyOfRange(iv, encrypt ? 16 : 0, encrypt ? 32 : 16);
            byte[] prevOut = Arrays.copyOfRange(iv, encrypt ? 0 : 16, encrypt ? 16 : 32);
            byte[] t = new byte[16];
            byte[] y = new byte[16];
            for (int j = 0; j < data.length; j += 16) {
                byte[] x = Arrays.copyOfRange(data, j, j + 16);
                for (int i = 0; i < 16; i++) {
                    t[i] = (byte) (x[i] ^ prevOut[i]);
                }
                c.doFinal(t, 0, 16, y, 0);
                for (int i = 0; i < 16; i++) {
                    y[i] ^= prevIn[i];
                }
                System.arraycopy(y, 0, out, j, 16);
                prevIn = x;
                prevOut = y.clone();
            }
            return out;
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
