package io.mtgate.crypto;

import java.util.Base64;

/** PEM armour. */
final class Pem {
    private Pem() {
    }

    record Block(String type, byte[] der) {
    }

    static String encode(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    /** The first PEM block in {@code text}. */
    static Block decode(String text) throws CryptoException {
        int b = text.indexOf("-----BEGIN ");
        if (b < 0) {
            throw new CryptoException("PEM: no BEGIN line");
        }
        int te = text.indexOf("-----", b + 11);
        if (te < 0) {
            throw new CryptoException("PEM: malformed BEGIN line");
        }
        String type = text.substring(b + 11, te);
        String end = "-----END " + type + "-----";
        int e = text.indexOf(end, te + 5);
        if (e < 0) {
            throw new CryptoException("PEM: no END line for " + type);
        }
        String body = text.substring(te + 5, e);
        if (body.contains(":")) {
            throw new CryptoException("PEM: encrypted or annotated keys are not supported");
        }
        try {
            return new Block(type, Base64.getMimeDecoder().decode(body));
        } catch (IllegalArgumentException ex) {
            throw new CryptoException("PEM: bad base64");
        }
    }
}
