#!/usr/bin/python3
"""Self-check of the interop client scripts without an mtgate server.

For every (client, transport) it starts a fake TCP listener on 127.0.0.1 (ephemeral port), runs
the client script against it and
  1. decodes the first frame the client sends with the transport the script was asked for
     (full: len + seq 0 + CRC32; abridged: 0xef; intermediate: eeeeeeee; obfuscated/MTProxy:
     64-byte obfuscated2 header, deobfuscated with AES-256-CTR, SHA256(key||secret) for MTProxy,
     protocol tag and, for MTProxy, the DC id checked) and checks that it carries a plain
     req_pq_multi (auth_key_id 0, msg_id % 4 == 0, constructor be7e8ef1, 16-byte nonce);
  2. closes every connection and checks that the script then fails cleanly: exactly one JSON
     line {"ok":false,...} on stdout, exit code 1, two attempts.
Then, per client, a "silent" server (accepts, never answers) must make the script fail with
ok:false within its timeout. Last, every (client, transport) runs a full handshake against
fake_handshake_server.py: the script must print ok:true with the auth_key_id the fake server
computed from its 256-byte key.

Usage: /usr/bin/python3 check_client_transports.py [telethon|gramjs ...]
Prints one PASS/FAIL line per case and a closing "N passed, N failed" line; exit 0 iff all pass.
Needs: /usr/bin/python3 with telethon (its AES-CTR is used here), node, gramjs/node_modules.
"""
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "00112233445566778899aabbccddeeff"
DC_ID = 2
ATTEMPT_TIMEOUT = 5   # per attempt, "close" cases (the client is never left waiting)
SILENT_TIMEOUT = 2    # per attempt, "silent" cases (the client must time out)
REQ_PQ_MULTI = bytes.fromhex("f18e7ebe")  # be7e8ef1 as sent (LE)

TAG = {"abridged": b"\xef\xef\xef\xef", "intermediate": b"\xee\xee\xee\xee",
       "padded": b"\xdd\xdd\xdd\xdd"}

# transport -> (framing, obfuscated?, mtproxy secret?)
CASES = {
    "telethon": {
        "full": ("full", False, False),
        "abridged": ("abridged", False, False),
        "intermediate": ("intermediate", False, False),
        "obfuscated": ("abridged", True, False),
        "mtproxy-abridged": ("abridged", True, True),
        "mtproxy-intermediate": ("intermediate", True, True),
        "mtproxy-randomized-intermediate": ("padded", True, True),
    },
    "gramjs": {
        "full": ("full", False, False),
        "abridged": ("abridged", False, False),
        "obfuscated": ("abridged", True, False),
    },
}


def command(client, port, transport, pem):
    if client == "telethon":
        cmd = ["/usr/bin/python3", os.path.join(HERE, "telethon_handshake.py"),
               "127.0.0.1", str(port), transport, pem]
        if transport.startswith("mtproxy-"):
            cmd.append(SECRET)
        return cmd
    return ["node", os.path.join(HERE, "gramjs", "handshake.js"), "127.0.0.1", str(port),
            transport, pem]


class Reader:
    """Reads exact byte counts from a socket, optionally through an AES-CTR decryptor."""

    def __init__(self, sock):
        self.sock, self.ctr = sock, None

    def raw(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("client closed after %d of %d bytes" % (len(buf), n))
            buf += chunk
        return buf

    def read(self, n):
        data = self.raw(n)
        return self.ctr.encrypt(data) if self.ctr else data


def read_first_frame(sock, framing, obfuscated, mtproxy):
    """Returns (payload, notes) of the first client frame, raising AssertionError if malformed."""
    from telethon.crypto import AESModeCTR
    r = Reader(sock)
    notes = []
    if obfuscated:
        head = r.raw(64)
        assert head[0] != 0xef, "obfuscated header starts with 0xef"
        assert head[4:8] != b"\0\0\0\0", "obfuscated header bytes 4..8 are zero"
        assert head[:4] not in (b"\xee\xee\xee\xee", b"\xdd\xdd\xdd\xdd", b"HEAD", b"POST",
                                b"GET ", b"OPTI", b"\x16\x03\x01\x02"), "header starts with a tag"
        assert len(set(head[8:56])) > 16, "header bytes 8..56 do not look random"
        key, iv = head[8:40], head[40:56]
        if mtproxy:
            key = hashlib.sha256(key + bytes.fromhex(SECRET)).digest()
        r.ctr = AESModeCTR(key, iv)
        dec = r.ctr.encrypt(head)
        assert dec[56:60] == TAG[framing], "tag %s, expected %s" % (dec[56:60].hex(),
                                                                    TAG[framing].hex())
        notes.append("tag " + dec[56:60].hex())
        if mtproxy:
            dc = struct.unpack("<h", dec[60:62])[0]
            assert dc == DC_ID, "MTProxy dc id %d, expected %d" % (dc, DC_ID)
            notes.append("dc %d" % dc)
    if framing == "full":
        first = r.read(8)
        length, seq = struct.unpack("<ii", first)
        assert seq == 0, "full: first seq %d" % seq           # i.e. bytes 4..8 are zero
        assert 12 < length < 1 << 20 and length % 4 == 0, "full: bad len %d" % length
        rest = r.read(length - 8)
        payload, crc = rest[:-4], struct.unpack("<I", rest[-4:])[0]
        assert crc == zlib.crc32(first + payload), "full: bad CRC32"
        notes.append("len %d seq 0 crc ok" % length)
    elif framing == "abridged":
        if not obfuscated:
            tag = r.read(1)
            assert tag == b"\xef", "abridged tag %s" % tag.hex()
            notes.append("tag ef")
        b0 = r.read(1)[0]
        n = struct.unpack("<I", r.read(3) + b"\0")[0] if b0 == 0x7f else b0
        payload = r.read(n * 4)
    else:  # intermediate / padded intermediate
        if not obfuscated:
            tag = r.read(4)
            assert tag == TAG[framing], "%s tag %s" % (framing, tag.hex())
            notes.append("tag " + tag.hex())
        n = struct.unpack("<i", r.read(4))[0]
        assert 0 < n < 1 << 20, "bad length %d" % n
        payload = r.read(n)
    return payload, notes


def check_req_pq_multi(payload):
    assert len(payload) >= 40, "plain message too short (%d)" % len(payload)
    auth_key_id, msg_id, body_len = struct.unpack("<qqi", payload[:20])
    assert auth_key_id == 0, "auth_key_id %d" % auth_key_id
    assert msg_id != 0 and msg_id % 4 == 0, "client msg_id %d" % msg_id
    assert body_len == 20, "body length %d" % body_len
    assert payload[20:24] == REQ_PQ_MULTI, "constructor %s" % payload[20:24].hex()
    assert len(payload) - 20 - body_len <= 3, "more than 3 trailing pad bytes"
    return "req_pq_multi msg_id %d" % msg_id


def parse_result(proc_out, rc):
    lines = [l for l in proc_out.splitlines() if l.strip()]
    assert len(lines) == 1, "expected one stdout line, got %r" % proc_out
    res = json.loads(lines[0])
    assert res.get("ok") is False, "expected ok:false, got %s" % lines[0]
    assert rc != 0, "ok:false with exit code 0"
    return res


def run_case(client, transport, pem, mode):
    framing, obfuscated, mtproxy = CASES[client][transport]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    srv.settimeout(0.2)
    port = srv.getsockname()[1]
    attempt_timeout = SILENT_TIMEOUT if mode == "silent" else ATTEMPT_TIMEOUT
    env = dict(os.environ, INTEROP_TIMEOUT=str(attempt_timeout), INTEROP_DC_ID=str(DC_ID))
    start = time.monotonic()
    proc = subprocess.Popen(command(client, port, transport, pem), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    findings, held, connections = [], [], 0
    out = [None, None]
    t = threading.Thread(target=lambda: out.__setitem__(slice(0, 2), proc.communicate()))
    t.start()
    try:
        while t.is_alive():
            try:
                conn, _ = srv.accept()
            except socket.timeout:
                continue
            connections += 1
            conn.settimeout(attempt_timeout + 3)
            if mode == "silent":
                held.append(conn)           # never answer; the client must time out
                continue
            if connections == 1:
                payload, notes = read_first_frame(conn, framing, obfuscated, mtproxy)
                findings = notes + [check_req_pq_multi(payload)]
            conn.close()                    # the client must fail cleanly and retry once
        t.join()
        elapsed = time.monotonic() - start
        res = parse_result(out[0], proc.returncode)
        assert connections == 2, "%d connections, expected 2 (one retry)" % connections
        limit = 2 * attempt_timeout + 5
        assert elapsed < limit, "took %.1fs (limit %ds)" % (elapsed, limit)
        findings.append("then ok:false rc=%d in %.1fs: %s" % (proc.returncode, elapsed,
                                                             res["error"][:90]))
        return True, "; ".join(findings)
    except Exception as e:  # noqa: BLE001
        if proc.poll() is None:
            proc.kill()
        t.join()
        return False, "%s: %s | stdout=%r stderr=%r" % (type(e).__name__, e, out[0],
                                                       (out[1] or "")[-300:])
    finally:
        for c in held:
            c.close()
        srv.close()


def make_pem(directory):
    """A throwaway 2048-bit RSA public key in PKCS#1 PEM, made with openssl."""
    priv = os.path.join(directory, "key.pem")
    pub = os.path.join(directory, "pub.pem")
    subprocess.run(["openssl", "genrsa", "-out", priv, "2048"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["openssl", "rsa", "-in", priv, "-RSAPublicKey_out", "-out", pub],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return pub


def run_handshakes(clients):
    """Success path: every transport against fake_handshake_server.py; auth_key_ids must match."""
    results = []
    with tempfile.TemporaryDirectory() as d:
        srv = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fake_handshake_server.py"),
                                "0", d, SECRET], stdout=subprocess.PIPE, text=True)
        try:
            port = json.loads(srv.stdout.readline())["listening"]
            pem = os.path.join(d, "pub.pem")
            env = dict(os.environ, INTEROP_TIMEOUT=str(ATTEMPT_TIMEOUT), INTEROP_DC_ID=str(DC_ID))
            for client in clients:
                for transport in CASES[client]:
                    p = subprocess.run(command(client, port, transport, pem), capture_output=True,
                                       text=True, env=env, timeout=2 * ATTEMPT_TIMEOUT + 10)
                    try:
                        res = json.loads(p.stdout.strip().splitlines()[-1])
                        assert res["ok"] is True and p.returncode == 0, p.stdout
                        ids = set()
                        for _ in range(res["attempts"]):  # one server line per key created
                            ids.add(json.loads(srv.stdout.readline())["auth_key_id"])
                        assert res["auth_key_id"] in ids, "server ids %s, client %s" % (
                            ids, res["auth_key_id"])
                        results.append((True, client, transport, "auth_key_id %d, attempts %d"
                                        % (res["auth_key_id"], res["attempts"])))
                    except Exception as e:  # noqa: BLE001
                        results.append((False, client, transport, "%s: %s | %s" % (
                            type(e).__name__, e, (p.stdout + p.stderr)[-400:])))
        finally:
            srv.kill()
            srv.wait()
    return results


def main(argv):
    clients = argv[1:] or list(CASES)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as d:
        pem = make_pem(d)
        plan = [(c, t, "close") for c in clients for t in CASES[c]]
        plan += [(c, "abridged", "silent") for c in clients]
        for client, transport, mode in plan:
            ok, detail = run_case(client, transport, pem, mode)
            passed, failed = passed + ok, failed + (not ok)
            print("%s %s %s [%s]: %s" % ("PASS" if ok else "FAIL", client, transport, mode,
                                         detail), flush=True)
    for ok, client, transport, detail in run_handshakes(clients):
        passed, failed = passed + ok, failed + (not ok)
        print("%s %s %s [handshake]: %s" % ("PASS" if ok else "FAIL", client, transport, detail),
              flush=True)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
