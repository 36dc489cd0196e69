#!/usr/bin/python3
"""A minimal fake MTProto server that only creates auth keys. Test tooling for the interop
scripts (it proves their success path and their auth_key_id output); it is NOT mtgate and not a
reference for it: no -404s, no state checks, no retransmission handling.

Usage: /usr/bin/python3 fake_handshake_server.py PORT KEY_DIR [SECRET_HEX]
  Writes KEY_DIR/pub.pem (PKCS#1) from a fresh openssl key, listens on 127.0.0.1:PORT (0 = any),
  prints {"listening":PORT,"fingerprint":N} and then one {"auth_key_id":N,"transport":"..."} line
  per auth key created. Transports: abridged, intermediate, padded intermediate, full,
  obfuscated2 (with SECRET_HEX: MTProxy keying, 16 bytes). Accepts the legacy RSA encryption
  (Telethon) and RSA_PAD (GramJS).
"""
import asyncio
import hashlib
import json
import os
import struct
import subprocess
import sys
import time

import rsa as pyrsa
from telethon import helpers
from telethon.crypto import AES, AESModeCTR
from telethon.crypto.rsa import _compute_fingerprint
from telethon.extensions import BinaryReader
from telethon.tl import types, functions

DH_PRIME = int(
    "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f"
    "48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37"
    "20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64"
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4"
    "a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754"
    "fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4"
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f"
    "0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b", 16)
P, Q = 0x494C553B, 0x53911073  # the pq of Telegram's own sample


def out(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def be(n, size=None):
    return n.to_bytes(size or (n.bit_length() + 7) // 8, "big")


class Stream:
    """One client connection: transport detection, (de)obfuscation and framing."""

    def __init__(self, reader, writer, secret):
        self.r, self.w, self.secret = reader, writer, secret
        self.dec = self.enc = None
        self.framing, self.seq_out, self.name = None, 0, None

    async def read(self, n):
        data = await self.r.readexactly(n)
        return self.dec.encrypt(data) if self.dec else data

    def write(self, data):
        self.w.write(self.enc.encrypt(data) if self.enc else data)

    async def detect(self):
        first = await self.r.readexactly(1)
        if first == b"\xef":
            self.framing = self.name = "abridged"
            return
        first += await self.r.readexactly(3)
        if first in (b"\xee" * 4, b"\xdd" * 4):
            self.framing = self.name = "intermediate" if first[0] == 0xee else "padded"
            return
        first += await self.r.readexactly(4)
        if first[4:8] == b"\0\0\0\0":
            self.framing = self.name = "full"
            self.pending = first
            return
        head = first + await self.r.readexactly(56)
        rev = head[8:56][::-1]
        tags = {b"\xef" * 4: "abridged", b"\xee" * 4: "intermediate", b"\xdd" * 4: "padded"}
        # With a secret: MTProxy keying first, then plain obfuscated2 (both work on one port).
        for secret in ([self.secret] if self.secret else []) + [None]:
            dkey, div, ekey, eiv = head[8:40], head[40:56], rev[:32], rev[32:48]
            if secret:
                dkey = hashlib.sha256(dkey + secret).digest()
                ekey = hashlib.sha256(ekey + secret).digest()
            self.dec, self.enc = AESModeCTR(dkey, div), AESModeCTR(ekey, eiv)
            tag = self.dec.encrypt(head)[56:60]
            if tag in tags:
                self.framing = tags[tag]
                self.name = ("mtproxy-" if secret else "obfuscated-") + self.framing
                return
        raise ValueError("obfuscated2 header with an unknown tag")

    async def recv(self):
        if self.framing == "abridged":
            n = (await self.read(1))[0]
            if n >= 0x7f:
                n = struct.unpack("<I", await self.read(3) + b"\0")[0]
            return await self.read(n * 4)
        if self.framing in ("intermediate", "padded"):
            n = struct.unpack("<i", await self.read(4))[0]
            return await self.read(n)
        head, self.pending = (self.pending, None) if getattr(self, "pending", None) else (
            await self.read(8), None)
        length = struct.unpack("<i", head[:4])[0]
        return (await self.read(length - 8))[:-4]  # (CRC not checked: test tooling)

    def send(self, payload):
        if self.framing == "abridged":
            n = len(payload) // 4
            self.write((bytes([n]) if n < 0x7f else b"\x7f" + n.to_bytes(3, "little")) + payload)
        elif self.framing in ("intermediate", "padded"):
            self.write(struct.pack("<i", len(payload)) + payload)
        else:
            import zlib
            body = struct.pack("<ii", len(payload) + 12, self.seq_out) + payload
            self.seq_out += 1
            self.write(body + struct.pack("<I", zlib.crc32(body)))


def plain(obj):
    body = bytes(obj)
    msg_id = (int(time.time() * 2 ** 32) & ~3) | 1
    return struct.pack("<qqi", 0, msg_id, len(body)) + body


def parse_plain(payload):
    with BinaryReader(payload[20:]) as r:
        return r.tgread_object()


def decrypt_inner(priv, data):
    """P_Q_inner_data from legacy (SHA1 + data + random) or RSA_PAD encrypted_data."""
    m = be(pow(int.from_bytes(data, "big"), priv.d, priv.n), 256)
    if m[0] == 0:
        try:
            with BinaryReader(m[21:]) as r:
                inner = r.tgread_object()
            if hashlib.sha1(bytes(inner)).digest() == m[1:21]:
                return inner, "legacy"
        except Exception:  # noqa: BLE001 - not legacy, try RSA_PAD
            pass
    aes_encrypted = m[32:]
    temp_key = bytes(a ^ b for a, b in zip(m[:32], hashlib.sha256(aes_encrypted).digest()))
    dwh = AES.decrypt_ige(aes_encrypted, temp_key, bytes(32))
    dwp = dwh[:192][::-1]
    if hashlib.sha256(temp_key + dwp).digest() != dwh[192:224]:
        raise ValueError("encrypted_data is neither legacy nor RSA_PAD")
    with BinaryReader(dwp) as r:
        return r.tgread_object(), "rsa_pad"


async def handle(reader, writer, priv, secret):
    s = Stream(reader, writer, secret)
    try:
        await s.detect()
        req = parse_plain(await s.recv())
        assert isinstance(req, (functions.ReqPqMultiRequest, functions.ReqPqRequest)), req
        server_nonce = int.from_bytes(os.urandom(16), "little", signed=True)
        s.send(plain(types.ResPQ(req.nonce, server_nonce, be(P * Q, 8),
                                 [_compute_fingerprint(priv)])))
        req = parse_plain(await s.recv())
        assert isinstance(req, functions.ReqDHParamsRequest), req
        inner, scheme = decrypt_inner(priv, req.encrypted_data)
        new_nonce = inner.new_nonce
        key, iv = helpers.generate_key_data_from_nonce(server_nonce, new_nonce)
        a = int.from_bytes(os.urandom(256), "big")
        g_a = pow(3, a, DH_PRIME)
        answer = bytes(types.ServerDHInnerData(req.nonce, server_nonce, 3, be(DH_PRIME, 256),
                                               be(g_a, 256), int(time.time())))
        awh = hashlib.sha1(answer).digest() + answer
        awh += os.urandom(-len(awh) % 16)
        s.send(plain(types.ServerDHParamsOk(req.nonce, server_nonce,
                                            AES.encrypt_ige(awh, key, iv))))
        req = parse_plain(await s.recv())
        assert isinstance(req, functions.SetClientDHParamsRequest), req
        with BinaryReader(AES.decrypt_ige(req.encrypted_data, key, iv)[20:]) as r:
            cdh = r.tgread_object()
        auth_key = be(pow(int.from_bytes(cdh.g_b, "big"), a, DH_PRIME), 256)
        sha = hashlib.sha1(auth_key).digest()
        nn = new_nonce.to_bytes(32, "little", signed=True)
        nnh1 = int.from_bytes(hashlib.sha1(nn + b"\x01" + sha[:8]).digest()[4:20], "little",
                              signed=True)
        s.send(plain(types.DhGenOk(req.nonce, server_nonce, nnh1)))
        await writer.drain()
        out({"auth_key_id": struct.unpack("<q", sha[12:20])[0], "transport": s.name,
             "rsa": scheme, "leading_zero": auth_key[0] == 0})
        await reader.read()  # keep the connection until the client closes it
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    except Exception as e:  # noqa: BLE001
        sys.stderr.write("fake server: %s: %s\n" % (type(e).__name__, e))
    finally:
        writer.close()


async def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__)
    port, key_dir = int(argv[1]), argv[2]
    secret = bytes.fromhex(argv[3]) if len(argv) == 4 else None
    os.makedirs(key_dir, exist_ok=True)
    priv_path = os.path.join(key_dir, "key.pem")
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", priv_path, "2048"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(priv_path, "rb") as f:
        priv = pyrsa.PrivateKey.load_pkcs1(f.read())
    with open(os.path.join(key_dir, "pub.pem"), "wb") as f:
        f.write(pyrsa.PublicKey(priv.n, priv.e).save_pkcs1())
    server = await asyncio.start_server(lambda r, w: handle(r, w, priv, secret), "127.0.0.1", port)
    out({"listening": server.sockets[0].getsockname()[1], "fingerprint": _compute_fingerprint(priv)})
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main(sys.argv))
    except KeyboardInterrupt:
        pass
