#!/usr/bin/python3
"""Run the real Telethon client's encrypted session against HOST:PORT (after its own handshake).

Usage:
    /usr/bin/python3 telethon_session.py fresh  HOST PORT TRANSPORT PUBKEY_PEM_PATH [SECRET_HEX]
    /usr/bin/python3 telethon_session.py resume HOST PORT TRANSPORT PUBKEY_PEM_PATH [SECRET_HEX]
        (resume reads the StringSession to resume from the environment: INTEROP_SESSION)
    /usr/bin/python3 telethon_session.py create HOST PORT TRANSPORT PUBKEY_PEM_PATH [SECRET_HEX]

TRANSPORT: as telethon_handshake.py (full | abridged | intermediate | obfuscated | http |
           mtproxy-abridged | mtproxy-intermediate | mtproxy-randomized-intermediate).
           http is Telethon's ConnectionHttp (POST /api on the same port) with its header
           reader fixed (telethon_http_reader.py); see "On HTTP" below.

fresh: TelegramClient(StringSession(), ...) with session.set_dc(2, HOST, PORT) and only our RSA
key trusted, then steps (each is run even when an earlier one failed, as long as the connection
is up; each reports {"ok":bool, "ms":int, ...}):
    connect           client.connect() returns (it sends invokeWithLayer(144, initConnection(
                      help.getConfig)) and then users.getUsers([inputUserSelf]))
    init_config       the Config answered to connect()'s invokeWithLayer (captured from the sender)
    get_config        client(help.GetConfigRequest()) -> Config (constructor id, this_dc, dc_options)
    ping              client(PingRequest(id)) -> Pong with the same ping_id
    pings_200         200 concurrent PingRequests (asyncio.gather), every ping_id answered
    ping_delay_renewed   ping_delay_disconnect(delay=D) renewed every 0.5 s for 2*D s: no drop
    ping_delay_expired   no renewal after the last one: the server drops the connection after
                      about D s (seen as Telethon's own "connection closed" reconnect trigger)
    after_reconnect   Telethon reconnected by itself with the same key (no new handshake),
                      and a ping is answered on the new connection
    Then the StringSession is saved (printed as "session") and the client disconnects.
resume: a NEW process loads INTEROP_SESSION, connects (must not run a handshake: counted by
wrapping telethon.network.authenticator.do_authentication), then ping and get_config.
create: as resume but from an empty session (so connect() runs a handshake), then the session is
saved (printed as "session"): a quick way to get a key for the restart drills.

On HTTP every step runs and means the same, for these reasons:
    connect, init_config, get_config, ping, pings_200: each Telethon send is one POST and each
                      POST gets exactly one answer (the server holds an answer-less request, e.g.
                      one carrying only acks, until Telethon's next request releases it, at most
                      25 s: Telethon sends no http_wait), so every query is answered in some POST's
                      answer; the 200 pings travel in Telethon's containers, a few POSTs.
    ping_delay_renewed / ping_delay_expired: the server runs the disconnect timer on the
                      connection that carries the requests, as on TCP: not renewed, it closes that
                      keep-alive connection after D s. Telethon sees the close exactly as on TCP
                      (its reader hits end of stream and it reconnects), so the drop is measured
                      the same way. What differs is only what is lost: a request held at that
                      moment has no answer; the session keeps its unacknowledged messages for the
                      next connection.
    after_reconnect / resume: a new TCP connection carries the same key; the server binds it to the
                      session of its first request.

Prints exactly one JSON line on stdout:
    {"ok":<all steps ok>,"client":"telethon","mode":...,"transport":...,"layer":144,
     "auth_key_id":<signed int64>,"handshakes":<n>,"session":"...","steps":{...}}
Exit codes: 0 all steps ok, 1 some step failed, 2 usage/setup error, 3 hard timeout.
Environment: INTEROP_TIMEOUT (seconds per network step, default 10), INTEROP_DISCONNECT_DELAY
(D above, seconds, default 2), INTEROP_HARD_TIMEOUT (whole run, default 90), INTEROP_DEBUG=1.
"""
import asyncio
import hashlib
import json
import logging
import os
import random
import signal
import struct
import sys
import time

CLIENT = "telethon"
TRANSPORTS = (
    "full", "abridged", "intermediate", "obfuscated", "http",
    "mtproxy-abridged", "mtproxy-intermediate", "mtproxy-randomized-intermediate",
)
API_ID = 17349  # any values: the server does not check them (no app registry)
API_HASH = "344583e45741c457fe1862106095a5eb"

_emitted = False
_result = {"ok": False, "client": CLIENT, "steps": {}}


def emit(obj, code):
    """Print the single result line and exit (hard exit: no lingering tasks or threads)."""
    global _emitted
    if not _emitted:
        _emitted = True
        sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def fail(error, code):
    _result["ok"] = False
    _result["error"] = error
    emit(_result, code)


def auth_key_id_of(key_bytes):
    return struct.unpack("<q", hashlib.sha1(key_bytes).digest()[12:20])[0]


def load_pkcs1_pem(path):
    import rsa as pyrsa
    with open(path, "rb") as f:
        pem = f.read()
    if b"BEGIN RSA PUBLIC KEY" in pem:
        return pem
    if b"BEGIN PUBLIC KEY" in pem:
        return pyrsa.PublicKey.load_pkcs1_openssl_pem(pem).save_pkcs1(format="PEM")
    raise ValueError("not a PEM RSA public key: %s" % path)


def connection_class(transport):
    from telethon.network import connection as c
    return {
        "full": c.ConnectionTcpFull,
        "abridged": c.ConnectionTcpAbridged,
        "intermediate": c.ConnectionTcpIntermediate,
        "obfuscated": c.ConnectionTcpObfuscated,
        "http": c.ConnectionHttp,
        "mtproxy-abridged": c.ConnectionTcpMTProxyAbridged,
        "mtproxy-intermediate": c.ConnectionTcpMTProxyIntermediate,
        "mtproxy-randomized-intermediate": c.ConnectionTcpMTProxyRandomizedIntermediate,
    }[transport]


def rnd64():
    return random.getrandbits(63) * random.choice((1, -1))


def describe(e):
    return "%s: %s" % (type(e).__name__, e)


def config_info(cfg):
    return {
        "type": type(cfg).__name__,
        "constructor": struct.unpack("<i", struct.pack("<I", getattr(cfg, "CONSTRUCTOR_ID", 0)))[0],
        "this_dc": getattr(cfg, "this_dc", None),
        "dc_options": len(getattr(cfg, "dc_options", None) or []),
        "test_mode": getattr(cfg, "test_mode", None),
        "dcs": ["%d %s:%d" % (o.id, o.ip_address, o.port) for o in (getattr(cfg, "dc_options", None) or [])][:8],
    }


class Run:
    def __init__(self, args, step_timeout):
        self.args = args
        self.timeout = step_timeout
        self.drops = []          # monotonic times at which Telethon saw the connection close
        self.handshakes = 0      # do_authentication calls (a resumed session must have none)
        self.handshakes_at_connect = 0  # 1, or 2 after a client-side failure (1 in 256: no g_ab padding)
        self.init_results = []   # results of connect()'s invokeWithLayer

    async def step(self, name, coro_fn, timeout=None):
        t0 = time.monotonic()
        entry = {"ok": False}
        try:
            extra = await asyncio.wait_for(coro_fn(), timeout or self.timeout)
            entry["ok"] = True
            if isinstance(extra, dict):
                entry.update(extra)
        except StepFailed as e:
            entry["error"] = str(e)
            entry.update(e.extra)
        except asyncio.TimeoutError:
            entry["error"] = "timeout after %ss" % (timeout or self.timeout)
        except Exception as e:  # noqa: BLE001 - every failure is reported per step
            entry["error"] = describe(e)
        entry["ms"] = int((time.monotonic() - t0) * 1000)
        _result["steps"][name] = entry
        return entry["ok"]

    def instrument(self, client):
        from telethon.network import authenticator
        from telethon.tl import functions
        real_auth = authenticator.do_authentication

        async def counting_auth(*a, **kw):
            self.handshakes += 1
            return await real_auth(*a, **kw)
        authenticator.do_authentication = counting_auth

        sender = client._sender
        real_start_reconnect = sender._start_reconnect

        def start_reconnect(error):
            if sender._user_connected and not sender._reconnecting:
                self.drops.append(time.monotonic())
                sys.stderr.write("connection dropped: %r\n" % (error,))
            return real_start_reconnect(error)
        sender._start_reconnect = start_reconnect

        real_send = sender.send

        def send(request, ordered=False):
            fut = real_send(request, ordered)
            if isinstance(request, functions.InvokeWithLayerRequest):
                def done(f):
                    self.init_results.append(f.exception() if f.exception() else f.result())
                fut.add_done_callback(lambda f: None if f.cancelled() else done(f))
            return fut
        sender.send = send

    async def ping(self, client):
        from telethon.tl import functions
        pid = rnd64()
        pong = await client(functions.PingRequest(ping_id=pid))
        if pong.ping_id != pid:
            raise StepFailed("pong.ping_id %d != %d" % (pong.ping_id, pid))
        return {"ping_id": pid}

    async def get_config(self, client):
        from telethon.tl import functions
        cfg = await client(functions.help.GetConfigRequest())
        return config_info(cfg)

    async def pings_200(self, client):
        from telethon.tl import functions
        ids = [rnd64() for _ in range(200)]
        pongs = await asyncio.gather(*(client(functions.PingRequest(ping_id=i)) for i in ids),
                                     return_exceptions=True)
        errors = [describe(p) for p in pongs if isinstance(p, BaseException)]
        wrong = sum(1 for i, p in zip(ids, pongs)
                    if not isinstance(p, BaseException) and p.ping_id != i)
        answered = sum(1 for p in pongs if not isinstance(p, BaseException))
        if errors or wrong:
            raise StepFailed("%d of 200 answered, %d wrong ping_id, errors: %s"
                             % (answered, wrong, "; ".join(sorted(set(errors))[:3])),
                             answered=answered, wrong=wrong)
        return {"answered": answered}

    async def ping_delay_renewed(self, client, delay):
        from telethon.tl import functions
        drops_before = len(self.drops)
        t0 = time.monotonic()
        n = 0
        while time.monotonic() - t0 < 2 * delay:
            pid = rnd64()
            pong = await client(functions.PingDelayDisconnectRequest(ping_id=pid, disconnect_delay=delay))
            if pong.ping_id != pid:
                raise StepFailed("pong.ping_id %d != %d" % (pong.ping_id, pid))
            n += 1
            await asyncio.sleep(0.5)
            if len(self.drops) > drops_before:
                raise StepFailed("connection dropped %.2fs after the first of %d renewals"
                                 % (self.drops[-1] - t0, n))
        return {"renewals": n, "held_s": round(time.monotonic() - t0, 2), "delay": delay}

    async def ping_delay_expired(self, client, delay):
        from telethon.tl import functions
        drops_before = len(self.drops)
        pid = rnd64()
        sent = time.monotonic()
        pong = await client(functions.PingDelayDisconnectRequest(ping_id=pid, disconnect_delay=delay))
        if pong.ping_id != pid:
            raise StepFailed("pong.ping_id %d != %d" % (pong.ping_id, pid))
        while len(self.drops) == drops_before:
            if time.monotonic() - sent > delay + 5:
                raise StepFailed("not dropped %ss after ping_delay_disconnect(%d)" % (delay + 5, delay))
            await asyncio.sleep(0.05)
        after = self.drops[drops_before] - sent
        out = {"dropped_after_s": round(after, 2), "delay": delay}
        if after < delay - 0.5:
            raise StepFailed("dropped after %.2fs, before the %ds delay" % (after, delay), **out)
        return out

    async def after_reconnect(self, client, key_id):
        # Telethon reconnects by itself (same auth key, new connection); wait for it, then ping.
        t0 = time.monotonic()
        while client._sender._reconnecting or not client.is_connected():
            if time.monotonic() - t0 > self.timeout:
                raise StepFailed("did not reconnect")
            await asyncio.sleep(0.05)
        out = await self.ping(client)
        now_id = auth_key_id_of(client.session.auth_key.key)
        if now_id != key_id or self.handshakes != self.handshakes_at_connect:
            raise StepFailed("key changed on reconnect (%d -> %d, %d handshakes)"
                             % (key_id, now_id, self.handshakes))
        out["reconnect_s"] = round(time.monotonic() - t0, 2)
        return out


class StepFailed(Exception):
    def __init__(self, msg, **extra):
        super().__init__(msg)
        self.extra = extra


async def run(mode, args, step_timeout, delay):
    from telethon import TelegramClient
    from telethon.sessions import StringSession
    from telethon.tl.alltlobjects import LAYER

    r = Run(args, step_timeout)
    transport = args["transport"]
    if transport == "http":
        import telethon_http_reader
        telethon_http_reader.patch()
    session = StringSession(os.environ.get("INTEROP_SESSION", "") if mode == "resume" else None)
    if mode == "resume" and session.auth_key is None:
        fail("INTEROP_SESSION holds no auth key", 2)
    resumed_key_id = auth_key_id_of(session.auth_key.key) if session.auth_key else None
    proxy = (args["host"], args["port"], args["secret"]) if transport.startswith("mtproxy-") else None
    client = TelegramClient(session, API_ID, API_HASH, connection=connection_class(transport),
                            proxy=proxy, timeout=step_timeout, connection_retries=3, retry_delay=1,
                            request_retries=1, auto_reconnect=True, receive_updates=False)
    client.session.set_dc(2, args["host"], args["port"])
    if resumed_key_id is not None:
        # set_dc keeps the key only for the same DC, address and port; make sure it is still there.
        if client.session.auth_key is None or auth_key_id_of(client.session.auth_key.key) != resumed_key_id:
            fail("set_dc dropped the resumed auth key", 2)
    r.instrument(client)
    _result.update({"mode": mode, "transport": transport, "layer": LAYER})

    async def connect():
        await client.connect()
        return {}
    await r.step("connect", connect, timeout=2 * step_timeout + 5)
    if client.session.auth_key is not None:
        _result["auth_key_id"] = auth_key_id_of(client.session.auth_key.key)
    _result["handshakes"] = r.handshakes_at_connect = r.handshakes
    if not client.is_connected():
        fail("not connected after connect(): %s" % _result["steps"]["connect"].get("error"), 1)

    if mode == "fresh":
        async def init_config():
            if not r.init_results:
                raise StepFailed("connect() got no answer to invokeWithLayer")
            res = r.init_results[0]
            if isinstance(res, BaseException):
                raise StepFailed(describe(res))
            return config_info(res)
        await r.step("init_config", init_config)
    await r.step("get_config", lambda: r.get_config(client))
    await r.step("ping", lambda: r.ping(client))
    if mode == "create":
        _result["session"] = client.session.save()
    if mode == "fresh":
        key_id = _result.get("auth_key_id")
        await r.step("pings_200", lambda: r.pings_200(client), timeout=2 * step_timeout)
        await r.step("ping_delay_renewed", lambda: r.ping_delay_renewed(client, delay),
                     timeout=2 * delay + step_timeout)
        await r.step("ping_delay_expired", lambda: r.ping_delay_expired(client, delay),
                     timeout=delay + step_timeout)
        await r.step("after_reconnect", lambda: r.after_reconnect(client, key_id))
        _result["session"] = client.session.save()
    _result["handshakes"] = r.handshakes
    _result["drops"] = len(r.drops)
    try:
        await asyncio.wait_for(client.disconnect(), 5)
    except BaseException as e:  # noqa: BLE001
        sys.stderr.write("disconnect: %s\n" % describe(e))
    _result["ok"] = all(s["ok"] for s in _result["steps"].values())
    emit(_result, 0 if _result["ok"] else 1)


def main(argv):
    if len(argv) not in (6, 7) or argv[1] not in ("fresh", "resume", "create") or argv[4] not in TRANSPORTS:
        sys.stderr.write(__doc__)
        fail("usage: fresh|resume|create HOST PORT TRANSPORT PUBKEY_PEM_PATH [SECRET_HEX]", 2)
    mode, host, port, transport, pem_path = argv[1:6]
    secret = argv[6] if len(argv) == 7 else None
    _result["transport"] = transport
    _result["mode"] = mode
    try:
        port = int(port)
        step_timeout = float(os.environ.get("INTEROP_TIMEOUT", "10"))
        delay = int(os.environ.get("INTEROP_DISCONNECT_DELAY", "2"))
        hard = int(os.environ.get("INTEROP_HARD_TIMEOUT", "90"))
    except ValueError as e:
        fail("bad number: %s" % e, 2)
    if transport.startswith("mtproxy-") and not secret:
        fail("transport %s needs SECRET_HEX" % transport, 2)

    signal.signal(signal.SIGALRM, lambda *_: fail("hard timeout after %ds" % hard, 3))
    signal.alarm(hard)
    logging.basicConfig(stream=sys.stderr,
                        level=logging.DEBUG if os.environ.get("INTEROP_DEBUG") else logging.WARNING)
    try:
        from telethon.crypto import rsa as trsa
        pem = load_pkcs1_pem(pem_path)
        trsa._server_keys.clear()
        trsa.add_key(pem.decode("ascii"), old=False)
    except Exception as e:  # noqa: BLE001
        fail("setup: %s" % describe(e), 2)
    asyncio.run(run(mode, {"host": host, "port": port, "transport": transport, "secret": secret},
                    step_timeout, delay))


if __name__ == "__main__":
    main(sys.argv)
