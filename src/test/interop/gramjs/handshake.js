#!/usr/bin/env node
/*
 * Create an MTProto auth key against HOST:PORT with the real GramJS client (npm "telegram"),
 * handshake only.
 *
 * Usage: node handshake.js HOST PORT TRANSPORT PUBKEY_PEM_PATH
 *   TRANSPORT: full | abridged | obfuscated | websocket (obfuscated abridged in the binary
 *              messages of ws://HOST:PORT/apiws, subprotocol binary: GramJS's PromisedWebSockets)
 *
 * Uses GramJS's own connection class + MTProtoPlainSender + doAuthentication
 * (network/Authenticator.js) directly: TelegramClient.connect() ignores the port and would also
 * send initConnection. Our key (PKCS#1 or SPKI PEM) is the only key in GramJS's RSA key map.
 * One retry on a fresh connection (about 1 handshake in 256 fails on the client side because
 * GramJS does not left-pad g_ab to 256 bytes).
 *
 * Prints exactly one JSON line on stdout:
 *   {"ok":true,"auth_key_id":<signed int64>,"time_offset":<int>,"attempts":<1|2>,...}
 *   {"ok":false,"error":"...",...}
 * Exit codes: 0 ok, 1 handshake failed, 2 usage/setup error, 3 hard timeout.
 * Environment: INTEROP_TIMEOUT (seconds per attempt, default 10), INTEROP_DEBUG=1 (GramJS debug
 * log on stderr).
 */
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

// Everything GramJS logs goes through console.log: keep stdout for the one result line.
const realStdoutWrite = process.stdout.write.bind(process.stdout);
console.log = (...a) => console.error(...a);
console.info = console.log;
console.debug = console.log;
console.warn = console.log;

const CLIENT = "gramjs";
const TRANSPORTS = ["full", "abridged", "obfuscated", "websocket"];
let emitted = false;

/** JSON with int64 values written as exact decimal numbers (BigInt is not JSON-serialisable). */
function toJson(obj) {
  const parts = Object.entries(obj).map(([k, v]) =>
    JSON.stringify(k) + ":" + (typeof v === "bigint" ? v.toString() : JSON.stringify(v)));
  return "{" + parts.join(",") + "}";
}

function emit(obj, code) {
  if (!emitted) {
    emitted = true;
    realStdoutWrite(toJson(obj) + "\n", () => process.exit(code));
    setTimeout(() => process.exit(code), 500).unref();
  }
}

function fail(error, code, extra = {}) {
  emit({ ok: false, error, client: CLIENT, ...extra }, code);
}

/** TL "bytes" encoding (length prefix + data + pad to a multiple of 4). */
function tlBytes(buf) {
  let head;
  if (buf.length <= 253) {
    head = Buffer.from([buf.length]);
  } else {
    head = Buffer.from([0xfe, buf.length & 0xff, (buf.length >> 8) & 0xff, (buf.length >> 16) & 0xff]);
  }
  const len = head.length + buf.length;
  return Buffer.concat([head, buf, Buffer.alloc((4 - (len % 4)) % 4)]);
}

function stripLeadingZeros(buf) {
  let i = 0;
  while (i < buf.length - 1 && buf[i] === 0) i++;
  return buf.subarray(i);
}

/** n, e (big-endian minimal byte arrays) and the fingerprint as a signed BigInt. */
function loadKey(pemPath) {
  const pem = fs.readFileSync(pemPath, "ascii");
  const type = pem.includes("BEGIN RSA PUBLIC KEY") ? "pkcs1" : "spki";
  const jwk = crypto.createPublicKey({ key: pem, format: "pem", type }).export({ format: "jwk" });
  const n = stripLeadingZeros(Buffer.from(jwk.n, "base64url"));
  const e = stripLeadingZeros(Buffer.from(jwk.e, "base64url"));
  const sha = crypto.createHash("sha1").update(Buffer.concat([tlBytes(n), tlBytes(e)])).digest();
  return { n, e, fingerprint: sha.readBigInt64LE(12) };
}

/** Low 64 bits of SHA1(auth_key): bytes [12..20) as little-endian signed int64. */
function authKeyIdOf(keyBytes) {
  return crypto.createHash("sha1").update(keyBytes).digest().readBigInt64LE(12);
}

async function main(argv) {
  if (argv.length !== 4 || !TRANSPORTS.includes(argv[2])) {
    return fail("usage: HOST PORT TRANSPORT PUBKEY_PEM_PATH; TRANSPORT one of " + TRANSPORTS.join(","), 2);
  }
  const [host, portStr, transport, pemPath] = argv;
  const port = Number(portStr);
  const attemptTimeout = Number(process.env.INTEROP_TIMEOUT || "10");
  if (!Number.isInteger(port) || port <= 0 || port > 65535 || !(attemptTimeout > 0)) {
    return fail("bad PORT or INTEROP_TIMEOUT", 2);
  }

  const hard = 2 * attemptTimeout + 5;
  setTimeout(() => fail(`hard timeout after ${hard}s`, 3, { transport }), hard * 1000).unref();

  let tg, bigInt, key;
  try {
    const tgDir = path.dirname(require.resolve("telegram/package.json"));
    tg = {
      version: require("telegram/package.json").version,
      RSA: require("telegram/crypto/RSA"),
      Authenticator: require("telegram/network/Authenticator"),
      MTProtoPlainSender: require("telegram/network/MTProtoPlainSender").MTProtoPlainSender,
      conn: require("telegram/network/connection"),
      ext: require("telegram/extensions"),
    };
    // GramJS's own copy of big-integer, so its bigInt methods accept our values.
    bigInt = require(require.resolve("big-integer", { paths: [tgDir] }));
    key = loadKey(pemPath);
    // Trust only our key (keyed by the signed decimal fingerprint, value {n: bigInt, e: number}).
    tg.RSA._serverKeys.clear();
    tg.RSA._serverKeys.set(key.fingerprint.toString(), {
      n: bigInt(key.n.toString("hex"), 16),
      e: Number(BigInt("0x" + key.e.toString("hex"))),
    });
  } catch (e) {
    return fail(`setup: ${e && e.stack ? e.stack.split("\n")[0] : e}`, 2);
  }
  const fpHex = BigInt.asUintN(64, key.fingerprint).toString(16).padStart(16, "0");
  console.error(`gramjs ${tg.version}, transport ${transport}, our key fingerprint ${key.fingerprint} (0x${fpHex})`);

  const ConnectionClass = {
    full: tg.conn.ConnectionTCPFull,
    abridged: tg.conn.ConnectionTCPAbridged,
    obfuscated: tg.conn.ConnectionTCPObfuscated,
    websocket: tg.conn.ConnectionTCPObfuscated,
  }[transport];

  class StderrLogger extends tg.ext.Logger {
    log(level, message) {
      process.stderr.write(`[gramjs ${level}] ${message}\n`);
    }
  }
  const log = new StderrLogger(process.env.INTEROP_DEBUG ? "debug" : "warn");

  async function attemptOnce() {
    const conn = new ConnectionClass({
      ip: host,
      port,
      dcId: 2,
      loggers: log,
      proxy: undefined,
      socket: transport === "websocket" ? tg.ext.PromisedWebSockets : tg.ext.PromisedNetSockets,
      testServers: false,
    });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout after ${attemptTimeout}s`)), attemptTimeout * 1000);
    });
    try {
      const work = (async () => {
        await conn.connect();
        const sender = new tg.MTProtoPlainSender(conn, log);
        return tg.Authenticator.doAuthentication(sender, log);
      })();
      work.catch(() => {}); // the loser of the race must not become an unhandled rejection
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
      try { await conn.disconnect(); } catch (_) { /* ignore */ }
    }
  }

  const errors = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    let res;
    try {
      res = await attemptOnce();
    } catch (e) {
      errors.push(`attempt ${attempt}: ${(e && e.constructor && e.constructor.name) || "Error"}: ${e && e.message ? e.message : e}`);
      continue;
    }
    const keyBytes = res.authKey.getKey();
    const kid = authKeyIdOf(keyBytes);
    // GramJS's AuthKey.keyId holds the same 8 bytes read as an unsigned LE long.
    const gramKid = BigInt.asIntN(64, BigInt(res.authKey.keyId.toString()));
    if (gramKid !== kid) {
      return fail(`auth_key_id mismatch: ours ${kid}, gramjs ${gramKid}`, 1);
    }
    return emit({
      ok: true, auth_key_id: kid, time_offset: res.timeOffset, attempts: attempt,
      auth_key_len: keyBytes.length, client: CLIENT, transport, errors,
    }, 0);
  }
  return fail(errors.join("; "), 1, { attempts: 2, transport });
}

process.on("unhandledRejection", () => { /* socket errors after a failed attempt: already reported */ });
main(process.argv.slice(2)).catch((e) => fail(`internal: ${e && e.stack ? e.stack : e}`, 1));
