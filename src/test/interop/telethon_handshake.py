#!/usr/bin/python3
"""Create an MTProto auth key against HOST:PORT with the real Telethon client (handshake only).

Usage:
    /usr/bin/python3 telethon_handshake.py HOST PORT TRANSPORT PUBKEY_PEM_PATH [SECRET_HEX]

TRANSPORT: full | abridged | intermediate | obfuscated | http |
           mtproxy-abridged | mtproxy-intermediate | mtproxy-randomized-intermediate
           (the mtproxy-* ones need SECRET_HEX: 16 bytes as 32 hex digits; the randomized
           intermediate one also takes a 17-byte "dd"-prefixed secret; http is ConnectionHttp,
           POST /api, with its header reader fixed by telethon_http_reader.py)

Runs only Telethon's auth-key creation (network/authenticator.py do_authentication over an
MTProtoPlainSender on the chosen connection class); it never calls client.connect().
One retry on a fresh connection is allowed (about 1 handshake in 256 fails on the client side
because Telethon does not left-pad g_ab to 256 bytes).

Prints exactly one JSON line on stdout:
    {"ok":true,"auth_key_id":<signed int64>,"time_offset":<int>,"attempts":<1|2>,...}
    {"ok":false,"error":"...",...}
Exit codes: 0 ok, 1 handshake failed, 2 usage/setup error, 3 hard timeout.
Environment: INTEROP_TIMEOUT (seconds per attempt, default 10), INTEROP_DC_ID (DC id written
into the MTProxy header, default 2), INTEROP_DEBUG=1 (Telethon debug logging on stderr).
"""
import asyncio
import hashlib
import json
import logging
import os
import signal
import struct
import sys

CLIENT = "telethon"
TRANSPORTS = (
    "full", "abridged", "intermediate", "obfuscated", "http",
    "mtproxy-abridged", "mtproxy-intermediate", "mtproxy-randomized-intermediate",
)

_emitted = False


def emit(obj, code):
    """Print the single result line and exit (hard exit: no lingering tasks or threads)."""
    global _emitted
    if not _emitted:
        _emitted = True
        sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def fail(error, code, **extra):
    obj = {"ok": False, "error": error, "client": CLIENT}
    obj.update(extra)
    emit(obj, code)


class _Loggers(dict):
    """Same shape as TelegramClient's logger map (telethon/client/telegrambaseclient.py)."""

    def __missing__(self, key):
        if key.startswith("telethon."):
            key = key.split(".", maxsplit=1)[1]
        return logging.getLogger("telethon").getChild(key)


def auth_key_id_of(key_bytes):
    """Low 64 bits of SHA1(auth_key): bytes [12..20) read as little-endian signed int64."""
    return struct.unpack("<q", hashlib.sha1(key_bytes).digest()[12:20])[0]


def load_pkcs1_pem(path):
    import rsa as pyrsa  # Telethon's own dependency (python3-rsa)
    with open(path, "rb") as f:
        pem = f.read()
    if b"BEGIN RSA PUBLIC KEY" in pem:
        return pem
    if b"BEGIN PUBLIC KEY" in pem:  # SPKI: convert, Telethon only reads PKCS#1
        return pyrsa.PublicKey.load_pkcs1_openssl_pem(pem).save_pkcs1(format="PEM")
    raise ValueError("not a PEM RSA public key: %s" % path)


def connection_for(transport, host, port, secret_hex, dc_id, loggers):
    from telethon.network import connection as c
    plain = {
        "full": c.ConnectionTcpFull,
        "abridged": c.ConnectionTcpAbridged,
        "intermediate": c.ConnectionTcpIntermediate,
        "obfuscated": c.ConnectionTcpObfuscated,
        "http": c.ConnectionHttp,
    }
    proxied = {
        "mtproxy-abridged": c.ConnectionTcpMTProxyAbridged,
        "mtproxy-intermediate": c.ConnectionTcpMTProxyIntermediate,
        "mtproxy-randomized-intermediate": c.ConnectionTcpMTProxyRandomizedIntermediate,
    }
    if transport in plain:
        return plain[transport](host, port, dc_id, loggers=loggers)
    # TcpMTProxy connects to proxy[0]:proxy[1] and takes the secret from proxy[2].
    return proxied[transport](host, port, dc_id, loggers=loggers,
                              proxy=(host, port, secret_hex))


async def one_attempt(args, loggers, attempt_timeout):
    from telethon.network.authenticator import do_authentication
    from telethon.network.mtprotoplainsender import MTProtoPlainSender
    import telethon_http_reader
    telethon_http_reader.patch()

    conn = connection_for(args["transport"], args["host"], args["port"],
                          args["secret"], args["dc_id"], loggers)
    try:
        await conn.connect(timeout=attempt_timeout)
        sender = MTProtoPlainSender(conn, loggers=loggers)
        auth_key, time_offset = await do_authentication(sender)
        return auth_key, time_offset
    finally:
        try:
            await asyncio.wait_for(conn.disconnect(), 2)
        except BaseException:
            pass


async def run(args, attempt_timeout):
    loggers = _Loggers()
    errors = []
    for attempt in (1, 2):
        try:
            auth_key, time_offset = await asyncio.wait_for(
                one_attempt(args, loggers, attempt_timeout), attempt_timeout)
        except asyncio.TimeoutError:
            errors.append("attempt %d: timeout after %ss" % (attempt, attempt_timeout))
            continue
        except Exception as e:  # noqa: BLE001 - every failure is reported, then retried once
            errors.append("attempt %d: %s: %s" % (attempt, type(e).__name__, e))
            continue
        key = auth_key.key
        kid = auth_key_id_of(key)
        # Telethon's AuthKey.key_id is the same 8 bytes read as an *unsigned* LE long.
        telethon_kid = struct.unpack("<q", struct.pack("<Q", auth_key.key_id))[0]
        if telethon_kid != kid:
            fail("auth_key_id mismatch: ours %d, telethon %d" % (kid, telethon_kid), 1)
        emit({"ok": True, "auth_key_id": kid, "time_offset": time_offset,
              "attempts": attempt, "auth_key_len": len(key), "client": CLIENT,
              "transport": args["transport"], "errors": errors}, 0)
    fail("; ".join(errors), 1, attempts=2, transport=args["transport"])


def main(argv):
    if len(argv) not in (5, 6) or argv[3] not in TRANSPORTS:
        sys.stderr.write(__doc__)
        fail("usage: HOST PORT TRANSPORT PUBKEY_PEM_PATH [SECRET_HEX]; TRANSPORT one of "
             + ",".join(TRANSPORTS), 2)
    host, port, transport, pem_path = argv[1], argv[2], argv[3], argv[4]
    secret = argv[5] if len(argv) == 6 else None
    try:
        port = int(port)
        attempt_timeout = float(os.environ.get("INTEROP_TIMEOUT", "10"))
        dc_id = int(os.environ.get("INTEROP_DC_ID", "2"))
    except ValueError as e:
        fail("bad number: %s" % e, 2)
    if transport.startswith("mtproxy-"):
        try:
            raw = bytes.fromhex(secret or "")
        except ValueError:
            raw = b""
        if not (len(raw) == 16 or (len(raw) == 17 and raw[0] == 0xdd)):
            fail("transport %s needs SECRET_HEX of 16 bytes (or dd + 16 bytes)" % transport, 2)

    # Hard timeout: SIGALRM interrupts even CPU-bound code (e.g. factorizing a bogus pq).
    hard = int(2 * attempt_timeout + 5)
    signal.signal(signal.SIGALRM, lambda *_: fail("hard timeout after %ds" % hard, 3,
                                                  transport=transport))
    signal.alarm(hard)

    logging.basicConfig(stream=sys.stderr,
                        level=logging.DEBUG if os.environ.get("INTEROP_DEBUG") else logging.WARNING)
    try:
        from telethon.crypto import rsa as trsa
        import telethon
        pem = load_pkcs1_pem(pem_path)
        # Trust only our key: drop Telegram's built-in keys so the handshake must use ours.
        trsa._server_keys.clear()
        trsa.add_key(pem.decode("ascii"), old=False)
        fingerprint = next(iter(trsa._server_keys))
    except Exception as e:  # noqa: BLE001
        fail("setup: %s: %s" % (type(e).__name__, e), 2)
    sys.stderr.write("telethon %s, transport %s, our key fingerprint %d (0x%016x)\n"
                     % (telethon.__version__, transport, fingerprint,
                        fingerprint & 0xFFFFFFFFFFFFFFFF))

    asyncio.run(run({"host": host, "port": port, "transport": transport, "secret": secret,
                     "dc_id": dc_id}, attempt_timeout))


if __name__ == "__main__":
    main(sys.argv)
