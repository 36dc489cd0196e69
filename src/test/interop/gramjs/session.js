#!/usr/bin/env node
/*
 * Run the real GramJS client's (npm "telegram") encrypted session against HOST:PORT.
 *
 * Usage: node session.js fresh|resume|create HOST PORT TRANSPORT PUBKEY_PEM_PATH [SECRET_HEX]
 *   TRANSPORT: full | abridged | obfuscated | mtproxy-abridged (needs SECRET_HEX, 16 bytes as hex)
 *              | websocket (GramJS's PromisedWebSockets: ws://HOST:PORT/apiws, subprotocol binary,
 *              obfuscated abridged inside, as GramJS does in browsers)
 *   resume reads the StringSession to resume from the environment: INTEROP_SESSION.
 *   PORT must be below 32768: GramJS's StringSession.save() writes it as int16.
 *
 * fresh: new TelegramClient(new StringSession(""), apiId, apiHash, {connection, useWSS:false, ...})
 * with session.setDC(2, HOST, PORT) and only our RSA key trusted; the connection class is a
 * subclass of GramJS's own that pins HOST:PORT (TelegramClient.connect() always uses port 80).
 * Steps (each runs even when an earlier one failed, as long as the connection is up; each reports
 * {"ok":bool,"ms":int,...}):
 *   connect            client.connect() returns (it sends invokeWithLayer(198, initConnection(
 *                      help.getConfig)))
 *   init_config        the Config answered to connect()'s invokeWithLayer (captured from the sender)
 *   get_config         client.invoke(new Api.help.GetConfig()) -> Config
 *   ping               Api.Ping -> Pong with the same pingId
 *   pings_200          200 concurrent Api.Ping (Promise.all), every pingId answered
 *   ping_delay_renewed Api.PingDelayDisconnect(delay D) renewed every 0.5 s for 2*D s: no drop
 *   ping_delay_expired no renewal: the server drops the connection after about D s (seen as
 *                      GramJS's own "connection closed" reconnect trigger)
 *   after_reconnect    GramJS reconnected by itself with the same key (no new handshake) and a
 *                      ping is answered on the new connection
 *   GramJS's own keep-alive loop (PingDelayDisconnect every 9 s, disconnect_delay 60000) is not
 *   started in fresh mode, so that it cannot re-arm the server's timer during the two steps above.
 *   Then StringSession.save() is printed as "session" and the client disconnects.
 * resume: a NEW process loads INTEROP_SESSION, connects (must not run a handshake: counted by
 * wrapping Authenticator.doAuthentication), then ping and get_config.
 * create: as resume but from an empty session (so connect() runs a handshake), then
 * StringSession.save() is printed as "session": a quick way to get a key for the restart drills.
 *
 * Prints exactly one JSON line on stdout:
 *   {"ok":<all steps ok>,"client":"gramjs","mode":...,"transport":...,"layer":198,
 *    "auth_key_id":<signed int64>,"handshakes":<n>,"session":"...","steps":{...}}
 * Exit codes: 0 all steps ok, 1 some step failed, 2 usage/setup error, 3 hard timeout.
 * Environment: INTEROP_TIMEOUT (seconds per network step, default 10), INTEROP_DISCONNECT_DELAY
 * (D, seconds, default 2), INTEROP_HARD_TIMEOUT (whole run, default 90), INTEROP_DEBUG=1.
 */
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const realStdoutWrite = process.stdout.write.bind(process.stdout);
console.log = (...a) => console.error(...a);
console.info = console.log;
console.debug = console.log;
console.warn = console.log;

const CLIENT = "gramjs";
const TRANSPORTS = ["full", "abridged", "obfuscated", "mtproxy-abridged", "websocket"];
const API_ID = 17349; // any values: the server does not check them
const API_HASH = "344583e45741c457fe1862106095a5eb";
let emitted = false;
const result = { ok: false, client: CLIENT, steps: {} };

function toJson(v) {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return "[" + v.map(toJson).join(",") + "]";
  if (v && typeof v === "object") {
    return "{" + Object.entries(v).filter(([, x]) => x !== undefined)
      .map(([k, x]) => JSON.stringify(k) + ":" + toJson(x)).join(",") + "}";
  }
  return JSON.stringify(v === undefined ? null : v);
}

function emit(obj, code) {
  if (!emitted) {
    emitted = true;
    realStdoutWrite(toJson(obj) + "\n", () => process.exit(code));
    setTimeout(() => process.exit(code), 500).unref();
  }
}

function fail(error, code) {
  result.ok = false;
  result.error = error;
  emit(result, code);
}

function describe(e) {
  if (e && e.errorMessage) return `${e.constructor.name}: ${e.code} ${e.errorMessage}`;
  return `${(e && e.constructor && e.constructor.name) || "Error"}: ${e && e.message ? e.message : e}`;
}

function tlBytes(buf) {
  const head = buf.length <= 253 ? Buffer.from([buf.length])
    : Buffer.from([0xfe, buf.length & 0xff, (buf.length >> 8) & 0xff, (buf.length >> 16) & 0xff]);
  const len = head.length + buf.length;
  return Buffer.concat([head, buf, Buffer.alloc((4 - (len % 4)) % 4)]);
}

function stripLeadingZeros(buf) {
  let i = 0;
  while (i < buf.length - 1 && buf[i] === 0) i++;
  return buf.subarray(i);
}

function loadKey(pemPath) {
  const pem = fs.readFileSync(pemPath, "ascii");
  const type = pem.includes("BEGIN RSA PUBLIC KEY") ? "pkcs1" : "spki";
  const jwk = crypto.createPublicKey({ key: pem, format: "pem", type }).export({ format: "jwk" });
  const n = stripLeadingZeros(Buffer.from(jwk.n, "base64url"));
  const e = stripLeadingZeros(Buffer.from(jwk.e, "base64url"));
  const sha = crypto.createHash("sha1").update(Buffer.concat([tlBytes(n), tlBytes(e)])).digest();
  return { n, e, fingerprint: sha.readBigInt64LE(12) };
}

function authKeyIdOf(keyBytes) {
  return crypto.createHash("sha1").update(keyBytes).digest().readBigInt64LE(12);
}

class StepFailed extends Error {
  constructor(message, extra = {}) {
    super(message);
    this.extra = extra;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, seconds) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StepFailed(`timeout after ${seconds}s`)), seconds * 1000);
  });
  promise.catch(() => {});
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

async function main(argv) {
  if (argv.length < 5 || argv.length > 6 || !["fresh", "resume", "create"].includes(argv[0]) || !TRANSPORTS.includes(argv[3])
      || (argv[3].startsWith("mtproxy-") !== (argv.length === 6))) {
    return fail("usage: fresh|resume|create HOST PORT TRANSPORT PUBKEY_PEM_PATH [SECRET_HEX (mtproxy-* only)]; TRANSPORT one of "
      + TRANSPORTS.join(","), 2);
  }
  const [mode, host, portStr, transport, pemPath, secret] = argv;
  Object.assign(result, { mode, transport });
  const port = Number(portStr);
  const stepTimeout = Number(process.env.INTEROP_TIMEOUT || "10");
  const delay = Number(process.env.INTEROP_DISCONNECT_DELAY || "2");
  const hard = Number(process.env.INTEROP_HARD_TIMEOUT || "90");
  if (!Number.isInteger(port) || port <= 0 || port > 32767 || !(stepTimeout > 0) || !(delay > 0)) {
    return fail("bad PORT (must be < 32768 for StringSession.save()), INTEROP_TIMEOUT or INTEROP_DISCONNECT_DELAY", 2);
  }
  setTimeout(() => fail(`hard timeout after ${hard}s`, 3), hard * 1000).unref();

  let tg, bigInt, key;
  try {
    const tgDir = path.dirname(require.resolve("telegram/package.json"));
    tg = {
      version: require("telegram/package.json").version,
      TelegramClient: require("telegram").TelegramClient,
      Api: require("telegram").Api,
      StringSession: require("telegram/sessions").StringSession,
      RSA: require("telegram/crypto/RSA"),
      Authenticator: require("telegram/network/Authenticator"),
      MTProtoSender: require("telegram/network/MTProtoSender").MTProtoSender,
      conn: require("telegram/network/connection"),
      ext: require("telegram/extensions"),
      LAYER: require("telegram/tl/AllTLObjects").LAYER,
    };
    bigInt = require(require.resolve("big-integer", { paths: [tgDir] }));
    key = loadKey(pemPath);
    tg.RSA._serverKeys.clear();
    tg.RSA._serverKeys.set(key.fingerprint.toString(), {
      n: bigInt(key.n.toString("hex"), 16),
      e: Number(BigInt("0x" + key.e.toString("hex"))),
    });
  } catch (e) {
    return fail(`setup: ${e && e.stack ? e.stack.split("\n")[0] : e}`, 2);
  }
  result.layer = tg.LAYER;
  result.version = tg.version;

  // Instrumentation: handshakes, connection drops (GramJS's reconnect trigger), init answers.
  let handshakes = 0;
  const drops = [];
  const initResults = [];
  const realAuth = tg.Authenticator.doAuthentication;
  tg.Authenticator.doAuthentication = (...a) => { handshakes++; return realAuth(...a); };
  const realReconnect = tg.MTProtoSender.prototype.reconnect;
  tg.MTProtoSender.prototype.reconnect = function (...a) {
    if (this._userConnected && !this.isReconnecting) {
      drops.push(performance.now());
      console.error("connection dropped: reconnecting");
    }
    return realReconnect.apply(this, a);
  };
  const realSend = tg.MTProtoSender.prototype.send;
  tg.MTProtoSender.prototype.send = function (request, ...rest) {
    const p = realSend.call(this, request, ...rest);
    if (request instanceof tg.Api.InvokeWithLayer) {
      p.then((r) => initResults.push(r), (e) => initResults.push(e instanceof Error ? e : new Error(String(e))));
    }
    return p;
  };

  const Base = {
    full: tg.conn.ConnectionTCPFull,
    abridged: tg.conn.ConnectionTCPAbridged,
    obfuscated: tg.conn.ConnectionTCPObfuscated,
    "mtproxy-abridged": require("telegram/network/connection/TCPMTProxy").ConnectionTCPMTProxyAbridged,
    // GramJS's browser default: obfuscated abridged over its WebSocket socket class (below)
    websocket: tg.conn.ConnectionTCPObfuscated,
  }[transport];
  // PromisedWebSockets builds ws://ip:port/apiws from the connection's ip and port (wss only on 443).
  const networkSocket = transport === "websocket" ? tg.ext.PromisedWebSockets : tg.ext.PromisedNetSockets;
  // An MTProxy connection connects to proxy.ip:proxy.port and keys its obfuscation with the secret.
  const proxy = secret ? { ip: host, port, secret, MTProxy: true } : undefined;
  class Pinned extends Base {
    constructor(opts) {
      super({ ...opts, ip: host, port, proxy });
    }
  }
  class StderrLogger extends tg.ext.Logger {
    log(level, message) {
      process.stderr.write(`[gramjs ${level}] ${message}\n`);
    }
  }

  const session = new tg.StringSession(mode === "resume" ? (process.env.INTEROP_SESSION || "") : "");
  await session.load();
  if (mode === "resume" && !session.authKey) {
    return fail("INTEROP_SESSION holds no auth key", 2);
  }
  const resumedKeyId = mode === "resume" ? authKeyIdOf(session.authKey.getKey()) : null;
  const client = new tg.TelegramClient(session, API_ID, API_HASH, {
    connection: Pinned,
    networkSocket,
    useWSS: false,
    connectionRetries: 3, // 1 handshake in 256 fails on the client side (no g_ab padding)
    reconnectRetries: 3,
    retryDelay: 500,
    requestRetries: 1,
    timeout: stepTimeout,
    autoReconnect: true,
    baseLogger: new StderrLogger(process.env.INTEROP_DEBUG ? "debug" : "warn"),
  });
  client.session.setDC(2, host, port);
  if (mode === "fresh") {
    client._loopStarted = true; // no keep-alive loop: see the header
  }

  async function step(name, fn, seconds = stepTimeout) {
    const t0 = performance.now();
    const entry = { ok: false };
    try {
      const extra = await withTimeout(fn(), seconds);
      entry.ok = true;
      if (extra && typeof extra === "object") Object.assign(entry, extra);
    } catch (e) {
      entry.error = e instanceof StepFailed ? e.message : describe(e);
      if (e instanceof StepFailed) Object.assign(entry, e.extra);
    }
    entry.ms = Math.round(performance.now() - t0);
    result.steps[name] = entry;
    return entry.ok;
  }

  const rnd64 = () => BigInt.asIntN(64, BigInt("0x" + crypto.randomBytes(8).toString("hex")));
  const big = (v) => bigInt(v.toString());
  const same = (a, b) => BigInt(a.toString()) === BigInt(b.toString());

  function configInfo(cfg) {
    return {
      type: cfg && cfg.className,
      constructor: cfg ? (cfg.CONSTRUCTOR_ID | 0) : 0,
      this_dc: cfg && cfg.thisDc,
      dc_options: cfg && cfg.dcOptions ? cfg.dcOptions.length : 0,
      test_mode: cfg && cfg.testMode,
      dcs: cfg && cfg.dcOptions ? cfg.dcOptions.slice(0, 8).map((o) => `${o.id} ${o.ipAddress}:${o.port}`) : [],
    };
  }

  async function ping() {
    const id = rnd64();
    const pong = await client.invoke(new tg.Api.Ping({ pingId: big(id) }));
    if (!same(pong.pingId, id)) throw new StepFailed(`pong.pingId ${pong.pingId} != ${id}`);
    return { ping_id: id };
  }

  async function pingDelay(d) {
    const id = rnd64();
    const pong = await client.invoke(new tg.Api.PingDelayDisconnect({ pingId: big(id), disconnectDelay: d }));
    if (!same(pong.pingId, id)) throw new StepFailed(`pong.pingId ${pong.pingId} != ${id}`);
  }

  await step("connect", async () => { await client.connect(); return {}; }, 2 * stepTimeout + 5);
  const authKey = client.session.getAuthKey && client.session.getAuthKey();
  if (authKey && authKey.getKey()) result.auth_key_id = authKeyIdOf(authKey.getKey());
  result.handshakes = handshakes;
  const handshakesAtConnect = handshakes;
  if (!client.connected) {
    return fail(`not connected after connect(): ${result.steps.connect.error}`, 1);
  }
  if (!result.steps.connect.ok) {
    // client.invoke() waits for connect() to have succeeded; the sender is connected, so let the
    // remaining steps run (and report) anyway. Flagged in the output.
    result.forced_connected = true;
    client._connectedDeferred.resolve();
  }
  if (resumedKeyId !== null && result.auth_key_id !== resumedKeyId) {
    result.steps.connect = { ok: false, error: `resumed key ${resumedKeyId} but connected with ${result.auth_key_id}` };
  }

  if (mode === "fresh") {
    await step("init_config", async () => {
      if (!initResults.length) throw new StepFailed("connect() got no answer to invokeWithLayer");
      if (initResults[0] instanceof Error) throw initResults[0];
      return configInfo(initResults[0]);
    });
  }
  await step("get_config", async () => configInfo(await client.invoke(new tg.Api.help.GetConfig())));
  await step("ping", ping);
  if (mode === "create") {
    try {
      result.session = client.session.save();
    } catch (e) {
      result.steps.save = { ok: false, error: describe(e) };
    }
  }
  if (mode === "fresh") {
    const keyId = result.auth_key_id;
    await step("pings_200", async () => {
      const ids = Array.from({ length: 200 }, rnd64);
      const res = await Promise.allSettled(ids.map((id) => client.invoke(new tg.Api.Ping({ pingId: big(id) }))));
      const answered = res.filter((r) => r.status === "fulfilled").length;
      const wrong = res.filter((r, i) => r.status === "fulfilled" && !same(r.value.pingId, ids[i])).length;
      const errors = [...new Set(res.filter((r) => r.status === "rejected").map((r) => describe(r.reason)))];
      if (answered !== 200 || wrong) {
        throw new StepFailed(`${answered} of 200 answered, ${wrong} wrong pingId, errors: ${errors.slice(0, 3).join("; ")}`,
          { answered, wrong });
      }
      return { answered };
    }, 2 * stepTimeout);
    await step("ping_delay_renewed", async () => {
      const before = drops.length;
      const t0 = performance.now();
      let n = 0;
      while (performance.now() - t0 < 2 * delay * 1000) {
        await pingDelay(delay);
        n++;
        await sleep(500);
        if (drops.length > before) {
          throw new StepFailed(`connection dropped ${((drops[drops.length - 1] - t0) / 1000).toFixed(2)}s after the first of ${n} renewals`);
        }
      }
      return { renewals: n, held_s: +((performance.now() - t0) / 1000).toFixed(2), delay };
    }, 2 * delay + stepTimeout);
    await step("ping_delay_expired", async () => {
      const before = drops.length;
      const sent = performance.now();
      await pingDelay(delay);
      while (drops.length === before) {
        if (performance.now() - sent > (delay + 5) * 1000) {
          throw new StepFailed(`not dropped ${delay + 5}s after ping_delay_disconnect(${delay})`);
        }
        await sleep(50);
      }
      const after = +((drops[before] - sent) / 1000).toFixed(2);
      if (after < delay - 0.5) throw new StepFailed(`dropped after ${after}s, before the ${delay}s delay`, { dropped_after_s: after, delay });
      return { dropped_after_s: after, delay };
    }, delay + stepTimeout);
    await step("after_reconnect", async () => {
      const t0 = performance.now();
      while (client._sender.isReconnecting || !client.connected) {
        if (performance.now() - t0 > stepTimeout * 1000) throw new StepFailed("did not reconnect");
        await sleep(50);
      }
      const out = await ping();
      const nowId = authKeyIdOf(client.session.getAuthKey().getKey());
      if (nowId !== keyId || handshakes !== handshakesAtConnect) {
        throw new StepFailed(`key changed on reconnect (${keyId} -> ${nowId}, ${handshakes} handshakes)`);
      }
      out.reconnect_s = +((performance.now() - t0) / 1000).toFixed(2);
      return out;
    });
    try {
      result.session = client.session.save();
    } catch (e) {
      result.steps.save = { ok: false, error: describe(e) };
    }
  }
  result.handshakes = handshakes;
  result.drops = drops.length;
  try {
    await withTimeout(client.destroy(), 5);
  } catch (e) {
    console.error(`disconnect: ${describe(e)}`);
  }
  result.ok = Object.values(result.steps).every((s) => s.ok);
  return emit(result, result.ok ? 0 : 1);
}

process.on("unhandledRejection", (e) => { console.error(`unhandled rejection: ${describe(e)}`); });
main(process.argv.slice(2)).catch((e) => fail(`internal: ${e && e.stack ? e.stack : e}`, 1));
