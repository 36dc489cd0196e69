package io.mtgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtgate.authkey.InMemoryAuthKeyStore;
import io.mtgate.crypto.AuthKey;
import io.mtgate.crypto.RsaKey;
import io.mtgate.handshake.DhKeySource;
import io.mtgate.handshake.HandshakeConfig;
import io.mtgate.handshake.TestClient;
import io.mtgate.handshake.TestClient.Padding;
import io.mtgate.handshake.TestClient.Variant;
import io.mtgate.session.ClientView;
import io.mtgate.tl.Tl;
import io.mtgate.tl.TlLimits;
import io.mtgate.tl.TlObject;
import io.mtgate.tl.mtproto.HttpWait;
import io.mtgate.tl.mtproto.MsgsAck;
import io.mtgate.tl.mtproto.NewSessionCreated;
import io.mtgate.tl.mtproto.Ping;
import io.mtgate.tl.mtproto.Pong;
import io.mtgate.tl.mtproto.Schema;
import io.mtgate.transport.TransportSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api} against a running listener over real sockets (checklist 1.11, 4.5): the
 * handshake tests' protocol client makes a key with three requests, then the encrypted session
 * runs over the same keep-alive connection: a ping, a request held for its http_wait, pipelined
 * requests answered in order, a request moving the connection to another session, -404 as status
 * 404, HTTP/1.0 closing after its answer.
 */
class HttpOverWireTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static RsaKey rsa;
    static GatewayServer server;
    static SessionServices sessions;

    @BeforeAll
    static void start() {
        rsa = RsaKey.generate(RANDOM, 2048);
        HandshakeServices services = new HandshakeServices(
                new HandshakeConfig(List.of(rsa), WireClient.DC, Duration.ofDays(1), Duration.ofMinutes(10), 8),
                DhKeySource.onDemand(RANDOM), RANDOM, InstantSource.system(), new InMemoryAuthKeyStore(),
                Runnable::run, GatewayEvents.NONE);
        ConnectionRateLimiter off = new ConnectionRateLimiter(0, Duration.ofSeconds(1), 1, InstantSource.system());
        sessions = TestSessionServices.create();
        server = new GatewayServer("127.0.0.1", 0, TransportSettings.defaults(), services, sessions,
                off, 2, NetTransport.AUTO);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
        server = null;
        sessions = null;
        rsa = null;
    }

    /** One answer as read off the socket. */
    record Response(int status, Map<String, String> headers, byte[] body) {
    }

    /** A keep-alive HTTP/1.1 connection to the listener: requests are written, answers read in order. */
    static final class HttpConnection implements AutoCloseable {
        final Socket socket;
        final InputStream in;

        HttpConnection(int port) {
            try {
                socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(10_000);
                in = socket.getInputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void post(byte[] body) {
            write(request("HTTP/1.1", "Connection: keep-alive\r\n", body));
        }

        static byte[] request(String version, String headers, byte[] body) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.writeBytes(("POST /api " + version + "\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + headers + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(body);
            return o.toByteArray();
        }

        void write(byte[] bytes) {
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Response read() {
            try {
                String statusLine = line();
                assertThat(statusLine).startsWith("HTTP/1.1 ");
                int status = Integer.parseInt(statusLine.substring(9, 12));
                Map<String, String> headers = new LinkedHashMap<>();
                for (String l; !(l = line()).isEmpty(); ) {
                    int c = l.indexOf(':');
                    headers.put(l.substring(0, c).toLowerCase(Locale.ROOT), l.substring(c + 1).strip());
                }
                byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
                return new Response(status, headers, body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] exchange(byte[] body) {
            post(body);
            Response r = read();
            assertThat(r.status()).isEqualTo(200);
            return r.body();
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("closed by the server");
                }
                b.write(c);
            }
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        /** The server closes the connection (end of stream) with nothing more sent. */
        boolean closedByServer() {
            try {
                return in.read() < 0;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** The client's side of one session: msg_ids, seqnos, x = 0 encryption, server packets decrypted and flattened. */
    static final class ClientSession {
        final AuthKey key;
        final long sessionId = RANDOM.nextLong();
        long salt;
        private long lastMsgId;
        private int contentCount;

        ClientSession(byte[] key, long salt) {
            this.key = new AuthKey(key);
            this.salt = salt;
        }

        long nextMsgId() {
            long now = System.currentTimeMillis();
            long id = ((now / 1000) << 32 | ((now % 1000) << 32) / 1000) & ~3L;
            lastMsgId = id <= lastMsgId ? lastMsgId + 4 : id;
            return lastMsgId;
        }

        int seq(boolean contentRelated) {
            return contentRelated ? 2 * contentCount++ + 1 : 2 * contentCount;
        }

        byte[] packet(long msgId, int seqno, byte[] body) {
            int padding = 12 + (-(32 + body.length + 12) & 15);
            byte[] pad = new byte[padding];
            RANDOM.nextBytes(pad);
            return ClientView.encrypt(key, ClientView.plaintext(salt, sessionId, msgId, seqno, body.length, body, pad));
        }

        /** One message: its packet. */
        byte[] message(TlObject body, boolean contentRelated) {
            return packet(nextMsgId(), seq(contentRelated), Tl.serialize(body));
        }

        /** A container of non-content-related messages (acks, http_wait), then a content-related one if given. */
        byte[] container(List<TlObject> serviceMessages, TlObject query) {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0x73f1f8dc).putInt(serviceMessages.size() + (query == null ? 0 : 1));
            List<TlObject> all = new ArrayList<>(serviceMessages);
            if (query != null) {
                all.add(query);
            }
            for (int i = 0; i < all.size(); i++) {
                byte[] body = Tl.serialize(all.get(i));
                b.putLong(nextMsgId()).putInt(seq(query != null && i == all.size() - 1)).putInt(body.length).put(body);
            }
            byte[] c = new byte[b.position()];
            b.flip().get(c);
            return packet(nextMsgId(), seq(false), c);
        }

        /** The messages of one server packet (a container flattened), checked to be of this session. */
        List<byte[]> open(byte[] packet) {
            byte[] plain = ClientView.decryptFromServer(key, packet);
            ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getLong(8)).as("session_id of the answer").isEqualTo(sessionId);
            int len = b.getInt(28);
            List<byte[]> out = new ArrayList<>();
            if (b.getInt(32) == 0x73f1f8dc) {
                int count = b.getInt(36);
                int p = 40;
                for (int i = 0; i < count; i++) {
                    int l = b.getInt(p + 12);
                    byte[] m = new byte[l];
                    b.get(p + 16, m);
                    out.add(m);
                    p += 16 + l;
                }
            } else {
                byte[] m = new byte[len];
                b.get(32, m);
                out.add(m);
            }
            return out;
        }

        static int ctor(byte[] message) {
            return ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        }

        static TlObject decoded(byte[] message) {
            return Tl.deserialize(message, Schema.REGISTRY, TlLimits.DEFAULT);
        }
    }

    /** A new auth key made over {@code http} with the handshake tests' client; returns the session on it. */
    static ClientSession handshake(HttpConnection http) {
        TestClient client = new TestClient(new SecureRandom(), rsa.modulus(), rsa.publicExponent(), rsa.fingerprint());
        client.onResPq(http.exchange(client.reqPqMulti()));
        client.onServerDhParams(http.exchange(client.reqDhParams(Variant.PLAIN, Padding.RSA_PAD, 0, 0)));
        client.onDhGenOk(http.exchange(client.setClientDhParams(0)));
        return new ClientSession(client.authKey, client.expectedSalt());
    }

    static List<Integer> ctors(List<byte[]> messages) {
        return messages.stream().map(ClientSession::ctor).toList();
    }

    @Test
    void handshakeThenAnEncryptedPingOnOneKeepAliveConnection() {
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            ClientSession s = handshake(http);
            long pingMsg = s.nextMsgId();
            byte[] answer = http.exchange(s.packet(pingMsg, s.seq(true), Tl.serialize(new Ping(42))));
            List<byte[]> messages = s.open(answer);
            assertThat(ctors(messages)).contains(NewSessionCreated.CONSTRUCTOR_ID, Pong.CONSTRUCTOR_ID);
            Pong pong = (Pong) messages.stream().filter(m -> ClientSession.ctor(m) == Pong.CONSTRUCTOR_ID)
                    .map(ClientSession::decoded).findFirst().orElseThrow();
            assertThat(pong.pingId()).isEqualTo(42);
            assertThat(pong.msgId()).isEqualTo(pingMsg);
            assertThat(http.exchange(s.message(new Ping(43), false))).as("the same connection goes on").isNotEmpty();
        }
    }

    @Test
    void aRequestIsHeldForItsHttpWaitThenAnsweredWithAnEmptyContainer() {
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            ClientSession s = handshake(http);
            s.open(http.exchange(s.message(new Ping(1), false)));
            long t0 = System.nanoTime();
            byte[] answer = http.exchange(s.container(List.of(new MsgsAck(List.of()), new HttpWait(0, 0, 700)), null));
            long heldMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(heldMs).as("held for max_wait").isBetween(600L, 5_000L);
            assertThat(s.open(answer)).as("nothing to say: an empty container").isEmpty();
        }
    }

    @Test
    void aHeldRequestIsAnsweredFirstWhenTheNextOneArrivesAndAnswersKeepRequestOrder() {
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            ClientSession s = handshake(http);
            s.open(http.exchange(s.message(new Ping(1), false)));
            long t0 = System.nanoTime();
            http.post(s.container(List.of(new MsgsAck(List.of()), new HttpWait(0, 0, 20_000)), null));
            http.post(s.message(new Ping(77), false));
            Response first = http.read();
            Response second = http.read();
            assertThat((System.nanoTime() - t0) / 1_000_000).as("the held request did not wait its 20 s").isLessThan(5_000L);
            assertThat(s.open(first.body())).isEmpty();
            List<byte[]> pong = s.open(second.body());
            assertThat(ctors(pong)).containsExactly(Pong.CONSTRUCTOR_ID);
            assertThat(((Pong) ClientSession.decoded(pong.get(0))).pingId()).isEqualTo(77);
        }
    }

    @Test
    void aPushFromAnotherThreadAnswersTheHeldRequestAtOnce() throws InterruptedException {
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            ClientSession s = handshake(http);
            s.open(http.exchange(s.message(new Ping(1), false)));
            http.post(s.container(List.of(new MsgsAck(List.of()), new HttpWait(0, 0, 20_000)), null));
            Thread.sleep(300); // the request reaches the session and is held: nothing to say yet
            long t0 = System.nanoTime();
            byte[] pushed = Tl.serialize(new Pong(123, 456)); // any TL object will do as a server message
            assertThat(sessions.sessions().push(s.key.id(), s.sessionId, pushed)).isTrue();
            List<byte[]> answer = s.open(http.read().body());
            assertThat((System.nanoTime() - t0) / 1_000_000).as("answered when the push came, not after 20 s")
                    .isLessThan(5_000L);
            assertThat(answer).anySatisfy(m -> assertThat(m).isEqualTo(pushed));
        }
    }

    @Test
    void aRequestOfAnotherSessionMovesTheConnectionAndTheHeldRequestIsAnsweredFirst() {
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            ClientSession a = handshake(http);
            a.open(http.exchange(a.message(new Ping(1), false)));
            ClientSession b = new ClientSession(a.key.bytes(), a.salt);
            http.post(a.container(List.of(new MsgsAck(List.of()), new HttpWait(0, 0, 20_000)), null));
            http.post(b.message(new Ping(2), false));
            List<byte[]> forA = a.open(http.read().body());
            assertThat(forA).as("A's held request, answered (empty) when the connection moved on").isEmpty();
            List<byte[]> forB = b.open(http.read().body());
            assertThat(ctors(forB)).contains(NewSessionCreated.CONSTRUCTOR_ID, Pong.CONSTRUCTOR_ID);
        }
    }

    @Test
    void aRequestOfAnotherKeyIsLookedUpAndTheConnectionMovesToIt() {
        ClientSession a;
        ClientSession b;
        try (HttpConnection one = new HttpConnection(server.boundPort());
             HttpConnection two = new HttpConnection(server.boundPort())) {
            a = handshake(one);
            b = handshake(two);
        }
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            a.open(http.exchange(a.message(new Ping(1), false)));
            http.post(a.container(List.of(new MsgsAck(List.of()), new HttpWait(0, 0, 20_000)), null));
            http.post(b.message(new Ping(2), false));
            Response first = http.read();
            Response second = http.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(a.open(first.body())).as("key A's held request, answered when B's came").isEmpty();
            assertThat(ctors(b.open(second.body()))).contains(Pong.CONSTRUCTOR_ID);
            assertThat(ctors(a.open(http.exchange(a.message(new Ping(3), false))))).as("and back to A")
                    .contains(Pong.CONSTRUCTOR_ID);
        }
    }

    @Test
    void anUnknownAuthKeyIsStatus404ThenClose() {
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            byte[] key = new byte[256];
            RANDOM.nextBytes(key);
            ClientSession unknown = new ClientSession(key, 0);
            http.post(unknown.message(new Ping(1), false));
            Response r = http.read();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).containsExactly(0x6c, 0xfe, 0xff, 0xff); // -404 LE, for clients that read the body
            assertThat(r.headers().get("connection")).isEqualTo("close");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void aConnectionOverTheRateLimitGets429ThenClose() {
        HandshakeServices services = new HandshakeServices(
                new HandshakeConfig(List.of(rsa), WireClient.DC, Duration.ofDays(1), Duration.ofMinutes(10), 8),
                DhKeySource.onDemand(RANDOM), RANDOM, InstantSource.system(), new InMemoryAuthKeyStore(),
                Runnable::run, GatewayEvents.NONE);
        ConnectionRateLimiter one = new ConnectionRateLimiter(1, Duration.ofMinutes(10), 100, InstantSource.system());
        try (GatewayServer limited = new GatewayServer("127.0.0.1", 0, TransportSettings.defaults(), services,
                TestSessionServices.create(), one)) {
            limited.start();
            TestClient client = new TestClient(new SecureRandom(), rsa.modulus(), rsa.publicExponent(), rsa.fingerprint());
            byte[] reqPq = client.reqPqMulti();
            try (HttpConnection first = new HttpConnection(limited.boundPort())) {
                assertThat(first.exchange(reqPq)).isNotEmpty();
            }
            try (HttpConnection second = new HttpConnection(limited.boundPort())) {
                second.post(reqPq);
                Response r = second.read();
                assertThat(r.status()).isEqualTo(429);
                assertThat(r.body()).containsExactly(0x53, 0xfe, 0xff, 0xff); // -429 LE
                assertThat(second.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void aBodyThatIsNoMtprotoMessageOrFailsTheEnvelopeIs404ThenClose() {
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            http.post(new byte[4]);
            assertThat(http.read().status()).isEqualTo(404);
            assertThat(http.closedByServer()).isTrue();
        }
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            ClientSession s = handshake(http);
            byte[] packet = s.message(new Ping(1), false);
            packet[packet.length - 1] ^= 1; // the msg_key no longer matches
            http.post(packet);
            Response r = http.read();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.headers().get("connection")).isEqualTo("close");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void http10GetsItsAnswerThenTheConnectionCloses() {
        try (HttpConnection http = new HttpConnection(server.boundPort())) {
            TestClient client = new TestClient(new SecureRandom(), rsa.modulus(), rsa.publicExponent(), rsa.fingerprint());
            http.write(HttpConnection.request("HTTP/1.0", "", client.reqPqMulti()));
            Response r = http.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("connection")).isEqualTo("close");
            client.onResPq(r.body());
            assertThat(http.closedByServer()).isTrue();
        }
    }
}
