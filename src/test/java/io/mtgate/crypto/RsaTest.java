package io.mtgate.crypto;

import static io.mtgate.crypto.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RsaTest {
    static final BigInteger E = BigInteger.valueOf(65537);
    static RsaKey key;
    static BigInteger d;
    static SecureRandom rnd;

    @BeforeAll
    static void setUp() throws Exception {
        rnd = SecureRandom.getInstance("SHA1PRNG");
        rnd.setSeed(20240601L);
        key = RsaKey.generate(rnd, 2048);
        List<BigInteger> v = Der.readIntegerSequence(Pem.decode(key.privateKeyPemPkcs1()).der());
        d = v.get(3);
    }

    static BigInteger[] publicFromPem(String pem) throws CryptoException {
        Pem.Block b = Pem.decode(pem);
        assertEquals("RSA PUBLIC KEY", b.type());
        List<BigInteger> v = Der.readIntegerSequence(b.der());
        assertEquals(2, v.size());
        return new BigInteger[] {v.get(0), v.get(1)};
    }

    /** Independent fingerprint: TL-serialize with a ByteBuffer, SHA-1 with a fresh MessageDigest. */
    static long independentFingerprint(BigInteger n, BigInteger e) throws Exception {
        ByteBuffer bb = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        for (BigInteger x : new BigInteger[] {n, e}) {
            byte[] m = x.toByteArray();
            if (m[0] == 0) {
                m = Arrays.copyOfRange(m, 1, m.length);
            }
            int start = bb.position();
            if (m.length < 254) {
                bb.put((byte) m.length);
            } else {
                bb.put((byte) 254).put((byte) m.length).put((byte) (m.length >> 8)).put((byte) (m.length >> 16));
            }
            bb.put(m);
            while ((bb.position() - start) % 4 != 0) {
                bb.put((byte) 0);
            }
        }
        byte[] h = MessageDigest.getInstance("SHA-1").digest(Arrays.copyOf(bb.array(), bb.position()));
        return ByteBuffer.wrap(h, 12, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static final String PRODUCTION_PEM = """
            -----BEGIN RSA PUBLIC KEY-----
            MIIBCgKCAQEA6LszBcC1LGzyr992NzE0ieY+BSaOW622Aa9Bd4ZHLl+TuFQ4lo4g
            5nKaMBwK/BIb9xUfg0Q29/2mgIR6Zr9krM7HjuIcCzFvDtr+L0GQjae9H0pRB2OO
            62cECs5HKhT5DZ98K33vmWiLowc621dQuwKWSQKjWf50XYFw42h21P2KXUGyp2y/
            +aEyZ+uVgLLQbRA1dEjSDZ2iGRy12Mk5gpYc397aYp438fsJoHIgJ2lgMv5h7WY9
            t6N/byY9Nw9p21Og3AoXSL2q/2IJ1WRUhebgAdGVMlV1fkuOQoEzR7EdpqtQD9Cs
            5+bfo3Nhmcyvk5ftB0WkJ9z6bNZ7yxrP8wIDAQAB
            -----END RSA PUBLIC KEY-----
            """;
    static final String TEST_DC_PEM = """
            -----BEGIN RSA PUBLIC KEY-----
            MIIBCgKCAQEAyMEdY1aR+sCR3ZSJrtztKTKqigvO/vBfqACJLZtS7QMgCGXJ6XIR
            yy7mx66W0/sOFa7/1mAZtEoIokDP3ShoqF4fVNb6XeqgQfaUHd8wJpDWHcR2OFwv
            plUUI1PLTktZ9uW2WE23b+ixNwJjJGwBDJPQEQFBE+vfmH0JP503wr5INS1poWg/
            j25sIWeYPHYeOrFp/eXaqhISP6G+q2IeTaWTXpwZj4LzXq5YOpk4bYEQ6mvRq7D1
            aHWfYmlEGepfaYR8Q0YqvvhYtMte3ITnuSJs171+GDqpdKcSwHnd6FudwGO4pcCO
            j4WcDuXc2CTHgH8gFTNhp/Y8/SpDOhvn9QIDAQAB
            -----END RSA PUBLIC KEY-----
            """;

    /** A.8: the well-known Telegram public keys (as shipped by client libraries). */
    @Test
    void telegramFingerprints() throws Exception {
        BigInteger[] prod = publicFromPem(PRODUCTION_PEM);
        assertTrue(hex(Dh.toUnsignedBytes(prod[0])).startsWith("e8bb3305c0b52c6c"));
        assertEquals(E, prod[1]);
        long fp = RsaKey.computeFingerprint(prod[0], prod[1]);
        assertEquals(-3414540481677951611L, fp);
        assertEquals(0xd09d1d85de64fd85L, fp);
        assertEquals("85fd64de851d9dd0", AuthKeyTest.le(fp));
        assertEquals(independentFingerprint(prod[0], prod[1]), fp);

        BigInteger[] test = publicFromPem(TEST_DC_PEM);
        assertTrue(hex(Dh.toUnsignedBytes(test[0])).startsWith("c8c11d635691fac0"));
        long tfp = RsaKey.computeFingerprint(test[0], test[1]);
        assertEquals(-5595554452916591101L, tfp);
        assertEquals("03268d20df9858b2", AuthKeyTest.le(tfp));
    }

    @Test
    void generatedKeyFingerprintAndAccessors() throws Exception {
        assertEquals(2048, key.modulus().bitLength());
        assertEquals(256, key.modulusBytes());
        assertEquals(E, key.publicExponent());
        assertEquals(independentFingerprint(key.modulus(), E), key.fingerprint());
        BigInteger a7n = new BigInteger(A7_N);
        assertEquals(independentFingerprint(a7n, E), RsaKey.computeFingerprint(a7n, E));
        String s = key.toString();
        assertFalse(s.contains(key.modulus().toString(16).substring(0, 16)), s);
        assertFalse(s.contains(d.toString(16).substring(0, 16)), s);
        assertTrue(s.contains(Long.toHexString(key.fingerprint())), s);
    }

    @Test
    void pemRoundTrips() throws Exception {
        String pkcs1 = key.privateKeyPemPkcs1();
        assertTrue(pkcs1.startsWith("-----BEGIN RSA PRIVATE KEY-----\n"));
        String pkcs8 = key.privateKeyPemPkcs8();
        assertTrue(pkcs8.startsWith("-----BEGIN PRIVATE KEY-----\n"));
        for (String pem : new String[] {pkcs1, pkcs8, "junk before\n" + pkcs1 + "junk after\n",
                pkcs1.replace("\n", "\r\n")}) {
            RsaKey k = RsaKey.fromPem(pem);
            assertEquals(key.modulus(), k.modulus());
            assertEquals(key.publicExponent(), k.publicExponent());
            assertEquals(key.fingerprint(), k.fingerprint());
            assertEquals(pkcs1, k.privateKeyPemPkcs1());
        }
        BigInteger[] pub = publicFromPem(key.publicKeyPemPkcs1());
        assertEquals(key.modulus(), pub[0]);
        assertEquals(E, pub[1]);
        // the public PEM parses with the JDK as well (RSAPublicKey wrapped in SubjectPublicKeyInfo is
        // not what we emit; check the DER directly: SEQUENCE { INTEGER n, INTEGER e })
        byte[] der = Pem.decode(key.publicKeyPemPkcs1()).der();
        assertEquals(0x30, der[0] & 0xFF);

        assertThrows(CryptoException.class, () -> RsaKey.fromPem("nothing here"));
        assertThrows(CryptoException.class, () -> RsaKey.fromPem(key.publicKeyPemPkcs1()));
        String broken = pkcs1.replace(pkcs1.substring(40, 60), "AAAAAAAAAAAAAAAAAAAA");
        assertThrows(CryptoException.class, () -> RsaKey.fromPem(broken));
    }

    @Test
    void decryptRawKeepsLeadingZerosAndMatchesTextbook() throws Exception {
        for (int zeros : new int[] {1, 2, 5, 40}) {
            byte[] m = new byte[256];
            rnd.nextBytes(m);
            Arrays.fill(m, 0, zeros, (byte) 0);
            BigInteger c = new BigInteger(1, m).modPow(E, key.modulus());
            byte[] cb = Dh.toBytes(c, 256);
            byte[] out = key.decryptRaw(cb);
            assertEquals(256, out.length);
            assertArrayEquals(m, out);
            assertEquals(new BigInteger(1, cb).modPow(d, key.modulus()), new BigInteger(1, out));
        }
        // a ciphertext with leading zero bytes is still accepted at full width
        byte[] small = new byte[256];
        small[255] = 2;
        byte[] out = key.decryptRaw(small);
        assertEquals(BigInteger.TWO.modPow(d, key.modulus()), new BigInteger(1, out));
    }

    @Test
    void decryptRawRejects() {
        assertThrows(CryptoException.class, () -> key.decryptRaw(new byte[255]));
        assertThrows(CryptoException.class, () -> key.decryptRaw(new byte[257]));
        assertThrows(CryptoException.class, () -> key.decryptRaw(Dh.toBytes(key.modulus(), 256)));
        byte[] ff = new byte[256];
        Arrays.fill(ff, (byte) 0xFF);
        assertThrows(CryptoException.class, () -> key.decryptRaw(ff));
    }

    // ---- A.7 RSA_PAD (Telethon v2) ----
    static final String A7_N = "25342889448840415564971689590713473206898847759084779052582026594546022463853940585885215951168491965708222649399180603818074200620463776135424884632162512403163793083921641631564740959529419359595852941166848940585952337613333022396096584117954892216031229237302943701877588456738335398602461675225081791820393153757504952636234951323237820036543581047826906120927972487366805292115792231423684261262330394324750785450942589751755390156647751460719351439969059949569615302809050721500330239005077889855323917509948255722081644689442127297605422579707142646660768825302832201908302295573257427896031830742328565032949";

    @Test
    void telethonRsaPadVector() throws Exception {
        byte[] data = hex("""
                955ff5a9081a8e635f5743de9b00000004453dc27100000004622f1fcb000000
                f7a81627bbf511fa4afef71e94a0937474586c1add9198dda81a5df8393871c8
                293623c5fb968894af1be7dfe9c7be813f9307789242fd0cb0c16a5cb39a8d3e""");
        byte[] stream = hex("""
                12270000635593b03fee033d0672f9afddf9124de9e77df6251806cba93482e4
                c9e6e06e7d44e4c4baae821aff91af44789689faaee9bdfc7b2df8c08709afe5
                7396c4638ceaa0dc30114f82447e81d3b53edc423b32660c43a5b8ad057b6450""");
        byte[] keyAesEncrypted = hex("""
                c1f99abebc19972c81de86edeb76c5b30658751a964708957351485f3420f869
                bf274881f3fc61cff6df3f08b9c65da0ba99b1fdcbf07e1993dd62b8fdea34b0
                710f2ccd0a27868cab241c4155dd64b53055ef43e3d976bfc67983304d7ac5ca
                ae99e9dde64b857247642e0bab79547d4e20d2f2d3c4bdcdfec670ed6e24150a
                06a44af8de740cfe4b6782913bf0e258801ebefaf0e46870c1a37791fca0fe2d
                65ba8ad051bea2ca235ae30f77fc2bd89e9868fa7925aab6cedd72c1a4b29812
                e8834e008ff3a1df451377d9706ebfc0d268434eebe522d6c7865566fc6d2f0d
                f530ca153500d0e8d333686ebc25f6cfd3f0e8db5ddbc6eb468c9b742a3765db""");
        byte[] encryptedData = hex("""
                c6d211349fc10cda6983276250b09f4be9b39f533b5d314b732b51a6dd72234d
                ab4224209992c894e0e4c9f30249f1dbbd1630a27b98f2f92a53c00baabbd46f
                380bd35f417e5ec2edb43f7644b5c81af011d736eb369265e848b553ae5e6350
                dd5695efc72bde0e35f3c3fc827b91eb97cf1efdbff12269b9c33f81645adebc
                89ed167edc19d285237a754bf629aa358ed08498863b2aec8b7139001627bbe8
                bdef239474a5a43e664d278f39e72d694a206d7b838fd40868a71c4bfbffa38b
                7679faa502b7795cbe5ae1bd05ca7eb01ff5b05107265fd39bd5b4e19d392b73
                5a3b0b5b21473062981bff86ff9084a7b594775e3127c05fd454e19f794a4ab4""");
        assertEquals(96, data.length);
        assertEquals(96, stream.length);
        byte[] decoded = RsaPadding.decodeRsaPad(keyAesEncrypted);
        assertEquals(192, decoded.length);
        assertArrayEquals(data, Hex.slice(decoded, 0, 96));
        assertArrayEquals(stream, Hex.slice(decoded, 96, 96)); // padding = stream[0, 192 - len(data))
        BigInteger n = new BigInteger(A7_N);
        assertEquals(new BigInteger(1, encryptedData),
                new BigInteger(1, keyAesEncrypted).modPow(E, n));
        // any flipped bit is rejected
        for (int pos : new int[] {0, 31, 32, 100, 223, 255}) {
            byte[] bad = keyAesEncrypted.clone();
            bad[pos] ^= 0x01;
            assertThrows(CryptoException.class, () -> RsaPadding.decodeRsaPad(bad), "pos " + pos);
        }
        assertThrows(CryptoException.class, () -> RsaPadding.decodeRsaPad(new byte[255]));
    }

    /** Client side of RSA_PAD written out in the test (checklist 2.4 / auth_key §4.1). */
    static byte[] rsaPadEncrypt(byte[] dataWithPadding192, byte[] tempKey, boolean corruptHash) throws Exception {
        byte[] reversed = new byte[192];
        for (int i = 0; i < 192; i++) {
            reversed[i] = dataWithPadding192[191 - i];
        }
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(tempKey);
        sha256.update(dataWithPadding192);
        byte[] hash = sha256.digest();
        if (corruptHash) {
            hash[7] ^= 0x40;
        }
        byte[] dataWithHash = Arrays.copyOf(reversed, 224);
        System.arraycopy(hash, 0, dataWithHash, 192, 32);
        byte[] aesEncrypted = AesIge.encrypt(tempKey, new byte[32], dataWithHash);
        byte[] h = MessageDigest.getInstance("SHA-256").digest(aesEncrypted);
        byte[] m = new byte[256];
        for (int i = 0; i < 32; i++) {
            m[i] = (byte) (tempKey[i] ^ h[i]);
        }
        System.arraycopy(aesEncrypted, 0, m, 32, 224);
        return m;
    }

    @Test
    void rsaPadRoundTripThroughRsa() throws Exception {
        int done = 0;
        int corruptRejected = 0;
        for (int attempt = 0; attempt < 50 && (done < 3 || corruptRejected < 3); attempt++) {
            byte[] dwp = new byte[192];
            rnd.nextBytes(dwp);
            byte[] tempKey = new byte[32];
            rnd.nextBytes(tempKey);
            boolean corrupt = attempt % 2 == 1;
            byte[] m = rsaPadEncrypt(dwp, tempKey, corrupt);
            BigInteger mi = new BigInteger(1, m);
            if (mi.compareTo(key.modulus()) >= 0) {
                continue; // client retries with a new temp_key
            }
            byte[] c = Dh.toBytes(mi.modPow(E, key.modulus()), 256);
            byte[] dec = key.decryptRaw(c);
            if (corrupt) {
                assertThrows(CryptoException.class, () -> RsaPadding.decodeRsaPad(dec));
                corruptRejected++;
            } else {
                assertArrayEquals(dwp, RsaPadding.decodeRsaPad(dec));
                // and the legacy decoder does not accept an RSA_PAD block
                assertThrows(CryptoException.class, () -> RsaPadding.decodeLegacy(dec, b -> 100));
                done++;
            }
        }
        assertTrue(done >= 3 && corruptRejected >= 3, done + "/" + corruptRejected);
    }

    /** p_q_inner_data_dc from A.9 (100 bytes) and a toy TL length function for it. */
    static final byte[] PQ_INNER_DC = hex("""
            955ff5a908130b7475669feb8b0000000444095e050000000447a8c84f000000
            79f0afb50252e5fc96924bfcecda4f05801775a3efbfd2701aa28ad727be4646
            264f835b0b7bdff9c6ed6cf819fd6df5dcd17e90d67add2c2c1e3775c7a6a0ac
            02000000""");
    static final ToIntFunction<byte[]> TL_LEN = b ->
            (b[0] & 0xFF) == 0x95 && (b[1] & 0xFF) == 0x5f && (b[2] & 0xFF) == 0xf5 && (b[3] & 0xFF) == 0xa9 ? 100 : -1;

    @Test
    void legacyRoundTripThroughRsa() throws Exception {
        byte[] m = new byte[256];
        rnd.nextBytes(m);
        m[0] = 0;
        System.arraycopy(MessageDigest.getInstance("SHA-1").digest(PQ_INNER_DC), 0, m, 1, 20);
        System.arraycopy(PQ_INNER_DC, 0, m, 21, 100);
        byte[] c = Dh.toBytes(new BigInteger(1, m).modPow(E, key.modulus()), 256);
        byte[] dec = key.decryptRaw(c);
        assertArrayEquals(m, dec);
        assertArrayEquals(PQ_INNER_DC, RsaPadding.decodeLegacy(dec, TL_LEN));
        // wrong length reported by the parser, parser failure, bad hash, non-zero first byte
        assertThrows(CryptoException.class, () -> RsaPadding.decodeLegacy(dec, b -> 99));
        assertThrows(CryptoException.class, () -> RsaPadding.decodeLegacy(dec, b -> -1));
        assertThrows(CryptoException.class, () -> RsaPadding.decodeLegacy(dec, b -> 236));
        assertThrows(CryptoException.class, () -> RsaPadding.decodeLegacy(dec, b -> {
            throw new IllegalStateException("parser bug");
        }));
        byte[] badHash = dec.clone();
        badHash[5] ^= 1;
        assertThrows(CryptoException.class, () -> RsaPadding.decodeLegacy(badHash, TL_LEN));
        byte[] badData = dec.clone();
        badData[60] ^= 1;
        assertThrows(CryptoException.class, () -> RsaPadding.decodeLegacy(badData, TL_LEN));
        byte[] lead = dec.clone();
        lead[0] = 1;
        assertThrows(CryptoException.class, () -> RsaPadding.decodeLegacy(lead, TL_LEN));
        // and RSA_PAD rejects the legacy block
        assertThrows(CryptoException.class, () -> RsaPadding.decodeRsaPad(dec));
    }

    @Test
    void keyFiles(@TempDir Path dir) throws Exception {
        Path priv = dir.resolve("a/b/server.pem");
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(7);
        RsaKey k = RsaKeyFiles.generateAndWrite(priv, r, 2048);
        assertTrue(Files.isRegularFile(priv));
        Path pub = RsaKeyFiles.publicKeyPath(priv);
        assertEquals(dir.resolve("a/b/server.pub.pem"), pub);
        assertTrue(Files.isRegularFile(pub));
        if (Files.getFileStore(priv).supportsFileAttributeView("posix")) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(priv);
            assertEquals(PosixFilePermissions.fromString("rw-------"), perms);
        }
        RsaKey loaded = RsaKeyFiles.load(priv);
        assertEquals(k.modulus(), loaded.modulus());
        assertEquals(k.fingerprint(), loaded.fingerprint());
        BigInteger[] pubNe = publicFromPem(Files.readString(pub));
        assertEquals(k.modulus(), pubNe[0]);
        assertEquals(k.publicExponent(), pubNe[1]);
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> RsaKeyFiles.generateAndWrite(priv, r, 2048));
        assertEquals(loaded.fingerprint(), RsaKeyFiles.load(priv).fingerprint()); // untouched
        try (var s = Files.list(priv.getParent())) {
            assertEquals(2, s.count()); // no temp file left behind
        }
        assertEquals(Path.of("x/key.pub.pem"), RsaKeyFiles.publicKeyPath(Path.of("x/key.pem")));
        assertEquals(Path.of("x/key.bin.pub.pem"), RsaKeyFiles.publicKeyPath(Path.of("x/key.bin")));
        assertEquals(Path.of("key.pub.pem"), RsaKeyFiles.publicKeyPath(Path.of("key")));
        assertNotEquals(k.fingerprint(), key.fingerprint());
        // PKCS#8 file loads too
        Path p8 = dir.resolve("p8.pem");
        Files.writeString(p8, key.privateKeyPemPkcs8());
        assertEquals(key.fingerprint(), RsaKeyFiles.load(p8).fingerprint());
    }
}
