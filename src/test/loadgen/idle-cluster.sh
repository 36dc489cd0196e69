#!/usr/bin/env bash
# Idle authenticated connections across K gateway nodes at once (docs/PERFORMANCE.md,
# "Idle authenticated connections").
#
# Every process here may open at most 20,000 files (soft = hard limit, not raisable without
# CAP_SYS_RESOURCE), so one process cannot hold 100,000 connections. This script runs K gateway
# processes as nodes of one deployment (one MariaDB database, one Redis, the same RSA key file and salt secret)
# and K LoadGen idle generators, one per node, each with its own range of the provisioned keys (one
# auth key per connection) and its own source addresses. All generators take the second class
# histogram of their node only when every connection of every generator is open and authenticated
# (barrier files in $DIR/sync), so each node is measured while all K x PER connections are open.
#
# Run from the repository root after
#   ./mvnw -B -q package -DskipTests
#   ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=/tmp/idle-cp.txt -Dmdep.includeScope=test
# with MariaDB on 127.0.0.1:3306 (user root, no password; the database $DB is created and dropped):
#   src/test/loadgen/idle-cluster.sh                   # K=6 PER=16667: 100,002 connections
#   K=1 PER=19500 src/test/loadgen/idle-cluster.sh     # one node at its limit
# Redis 127.0.0.1:6379 is used too (REDIS=1, the default: several nodes need it to learn of each
# other's new keys; only keys under $REDIS_PREFIX are written and deleted); REDIS=0 turns it off.
set -euo pipefail

K=${K:-6}                       # gateway processes (nodes)
PER=${PER:-16667}               # connections per node (and per generator process)
XMX=${XMX:-1g}                  # heap of each gateway process
GEN_XMX=${GEN_XMX:-1g}          # heap of each generator process
SOURCES=${SOURCES:-2}           # source addresses per generator (127.0.0.x, x distinct per generator)
SETTLE=${SETTLE:-10}            # seconds between "all authenticated" and the measurement
PORT=${PORT:-21443}             # MTProto ports PORT .. PORT+K-1
MGMT=${MGMT:-21880}             # Actuator ports MGMT .. MGMT+K-1
DIR=${DIR:-/tmp/mtgate-idle}
DB=${DB:-mtgate_idle}
DBHOST=${DBHOST:-127.0.0.1}
DBPORT=${DBPORT:-3306}
CPFILE=${CPFILE:-/tmp/idle-cp.txt}
REDIS=${REDIS:-1}               # 1: the nodes share Redis (127.0.0.1:6379, keys and channel under $REDIS_PREFIX); 0: off
REDIS_PREFIX=${REDIS_PREFIX:-mtgate-idle:}
BOOST=${BOOST:-}                # e.g. -10: nice of this session's autogroup (all processes started here), on a shared machine
JAR=${JAR:-$(ls target/mtgate-*.jar | head -1)}
CP="target/test-classes:target/classes:$(cat "$CPFILE")"
URL="jdbc:mariadb://$DBHOST:$DBPORT/$DB"
MYSQL=(mariadb -h "$DBHOST" -P "$DBPORT" -uroot)

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

SERVERS=()
GENS=()
cleanup() {
    set +e
    touch "$DIR/sync/close" 2>/dev/null
    for p in "${GENS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${GENS[@]}" "${SERVERS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$p" 2>/dev/null
    done
    [ "${KEEP_DB:-0}" = 1 ] || "${MYSQL[@]}" -e "DROP DATABASE IF EXISTS $DB" 2>/dev/null
    [ "$REDIS" != 1 ] || redis_clear
    rm -f "$DIR/keys.bin"
    # the autogroup is the whole session's (the caller's shell too): give its nice back
    [ -z "${OLD_NICE:-}" ] || echo "$OLD_NICE" > /proc/$$/autogroup
}
trap cleanup EXIT

wait_port() { # port pid log
    for _ in $(seq 1 600); do
        if ss -ltn "sport = :$1" | grep -q LISTEN; then return 0; fi
        kill -0 "$2" 2>/dev/null || { echo "server on port $1 died; see $3" >&2; tail -20 "$3" >&2; exit 1; }
        sleep 0.5
    done
    echo "server on port $1 not listening after 300 s" >&2; exit 1
}

redis_clear() { # delete this run's Redis keys (only those under REDIS_PREFIX)
    redis-cli --scan --pattern "${REDIS_PREFIX}*" | xargs -r -n 1000 redis-cli del > /dev/null
}
REDIS_ARGS=()
if [ "$REDIS" = 1 ]; then
    REDIS_ARGS=(--mtgate.redis.enabled=true --spring.data.redis.host=127.0.0.1 --spring.data.redis.port=6379
                --mtgate.redis.key-prefix="$REDIS_PREFIX" --mtgate.redis.key-ttl=1h)
    # key bodies sealed in Redis with a throwaway secret of this run (environment, not the command line)
    MTGATE_REDIS_VALUESECRET=$(head -c 32 /dev/urandom | base64)
    export MTGATE_REDIS_VALUESECRET
fi

start_server() { # index
    local i=$1 d="$DIR/node$1"
    mkdir -p "$d"
    java -Xms256m -Xmx"$XMX" -XX:+UseG1GC -jar "$JAR" "${REDIS_ARGS[@]}" \
        --mtgate.data-dir="$d" \
        --mtgate.tcp.port=$((PORT + i)) --server.port=$((MGMT + i)) \
        --spring.datasource.url="$URL" --spring.datasource.username=root --spring.datasource.password= \
        --mtgate.rsa.key-files="$DIR/shared/server.pem" \
        --mtgate.session.salts.secret-file="$DIR/shared/salt-secret" \
        > "$d/server.log" 2>&1 &
    SERVERS[i]=$!
}

rm -rf "$DIR"
mkdir -p "$DIR/shared" "$DIR/sync"
if [ -n "$BOOST" ]; then OLD_NICE=$(sed 's/.*nice //' /proc/$$/autogroup); echo "$BOOST" > /proc/$$/autogroup; log "autogroup: $(cat /proc/$$/autogroup)"; fi
log "cpu: $(lscpu | sed -n 's/^Model name: *//p'); kernel $(uname -r); $(java -version 2>&1 | head -1)"
log "machine: $(nproc) CPUs, $(free -g | awk '/Mem:/{print $2}') GiB; open-file limit $(ulimit -n); load $(cut -d' ' -f1-3 /proc/loadavg)"
log "K=$K nodes x PER=$PER connections = $((K * PER)); gateway -Xmx$XMX; database $URL; redis $([ "$REDIS" = 1 ] && echo "127.0.0.1:6379 prefix $REDIS_PREFIX" || echo off); jar $JAR"
[ "$REDIS" != 1 ] || redis_clear
"${MYSQL[@]}" -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"

# 1. one node alone creates the schema (Flyway), the RSA key and the salt secret; then it stops
log "node 0 alone: schema, RSA key, salt secret"
start_server 0
wait_port "$PORT" "${SERVERS[0]}" "$DIR/node0/server.log"
kill "${SERVERS[0]}"; wait "${SERVERS[0]}" 2>/dev/null || true
SERVERS=()

# 2. K x PER random keys, inserted before the nodes start (each node loads the set of all key ids at start)
java -cp "$CP" io.mtgate.loadgen.LoadGen provision count=$((K * PER)) keys="$DIR/keys.bin" db="$URL" dbUser=root dbPassword= \
    | sed 's/^/  /'

# 3. K nodes
log "starting $K nodes"
for i in $(seq 0 $((K - 1))); do start_server "$i"; done
for i in $(seq 0 $((K - 1))); do wait_port $((PORT + i)) "${SERVERS[i]}" "$DIR/node$i/server.log"; done
log "nodes listening: pids ${SERVERS[*]}"

# 4. K generators: first histogram of their node (no connections anywhere), then all connect at once
for i in $(seq 0 $((K - 1))); do
    java -Xmx"$GEN_XMX" -cp "$CP" io.mtgate.loadgen.LoadGen idle \
        port=$((PORT + i)) pid="${SERVERS[i]}" keys="$DIR/keys.bin" offset=$((i * PER)) connections="$PER" \
        sources="$SOURCES" firstSource=$((1 + i * SOURCES)) authTimeout=1200 \
        sync="$DIR/sync" name="$i" > "$DIR/gen$i.log" 2>&1 &
    GENS[i]=$!
done
await_all() { # prefix
    while :; do
        local n=0
        for i in $(seq 0 $((K - 1))); do [ -e "$DIR/sync/$1.$i" ] && n=$((n + 1)); done
        [ "$n" -eq "$K" ] && return 0
        for i in $(seq 0 $((K - 1))); do
            kill -0 "${GENS[i]}" 2>/dev/null || { echo "generator $i exited; see $DIR/gen$i.log" >&2; tail -20 "$DIR/gen$i.log" >&2; exit 1; }
        done
        sleep 1
    done
}
await_all base
log "baseline histograms taken; connecting $((K * PER)) connections"
T0=$(date +%s.%N)
touch "$DIR/sync/connect"
await_all ready
T1=$(date +%s.%N)
READY=$(cat "$DIR"/sync/ready.* | awk '{s += $1} END {print s}')
log "$READY of $((K * PER)) connections authenticated (all generators done) in $(awk "BEGIN{printf \"%.1f\", $T1 - $T0}") s"
log "ss -s: $(ss -s | grep '^TCP:')"
log "established TCP connections to ports $PORT..$((PORT + K - 1)): $(ss -Htn state established "( sport >= :$PORT and sport < :$((PORT + K)) )" | wc -l)"
[ "$REDIS" != 1 ] || log "Redis keys under $REDIS_PREFIX: $(redis-cli --scan --pattern "${REDIS_PREFIX}*" | wc -l)"
log "kernel $(grep '^TCP:' /proc/net/sockstat) (mem in pages); $(free -m | awk '/Mem:/{print "memory used " $3 " MiB of " $2}')"
sleep "$SETTLE"
log "measuring (full GC + class histogram in every node)"
touch "$DIR/sync/measure"
await_all measured
log "ss -s after the measurement: $(ss -s | grep '^TCP:')"
log "established TCP connections to ports $PORT..$((PORT + K - 1)): $(ss -Htn state established "( sport >= :$PORT and sport < :$((PORT + K)) )" | wc -l)"
for i in $(seq 0 $((K - 1))); do
    log "node $i (pid ${SERVERS[i]}): $(grep -E '^(VmRSS|VmHWM)' /proc/"${SERVERS[i]}"/status | tr -s ' \t' ' ' | tr '\n' ' ')open fds $(ls /proc/"${SERVERS[i]}"/fd | wc -l); generator $(grep VmRSS /proc/"${GENS[i]}"/status | tr -s ' \t' ' ')"
done

echo
echo "node  authenticated  closed  live heap before (B)  after (B)      B/conn   KiB/conn  RSS KiB/conn  open+auth s"
cat "$DIR"/sync/measured.* | sort -k2 -n | awk '
    { n = $3; b = $6; a = $7; r0 = $8; r1 = $9
      printf "%4s  %13d  %6d  %19d  %13d  %7.0f  %8.2f  %12.2f  %11s\n", $2, n, $5, b, a, (a - b) / n, (a - b) / n / 1024, (r1 - r0) / n, $10
      N += n; D += a - b; R += r1 - r0; C += $5 }
    END { printf "total %13d  %6d  %19s  %13s  %7.0f  %8.2f  %12.2f\n", N, C, "", "", D / N, D / N / 1024, R / N;
          printf "heap growth of all nodes together: %d B for %d connections\n", D, N }'
echo
for i in $(seq 0 $((K - 1))); do
    echo "--- generator $i"; sed -n '/^RESULT idle/,/^RESULTLINE/p' "$DIR/gen$i.log" | grep -v RESULTLINE | head -14
done
log "closing"
touch "$DIR/sync/close"
for p in "${GENS[@]}"; do wait "$p" || true; done
GENS=()
log "done"
