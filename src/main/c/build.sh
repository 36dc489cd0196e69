#!/usr/bin/env bash
# Builds the AES-NI IGE kernel (mtgate_ige.c) into a JNI library, run by Maven (exec plugin,
# phase compile). Usage: build.sh <java.home> <output .so>
#
# Optional by design: if this is not Linux x86_64, or gcc / libc headers / JNI headers are
# missing, it prints a warning and exits 0; the jar then has no native library and
# io.mtgate.crypto.AesIge uses its pure-JDK implementation. A compile error in the kernel
# itself (toolchain present) fails the build. MTGATE_NATIVE_SKIP=1 skips the step.
set -euo pipefail

java_home=${1:?java.home}
out=${2:?output path}
src_dir=$(cd "$(dirname "$0")" && pwd)
src="$src_dir/mtgate_ige.c"
cc=${CC:-gcc}

warn() { echo "[WARNING] native AES-IGE kernel not built: $*; AesIge will use the pure-JDK implementation" >&2; exit 0; }

[ "${MTGATE_NATIVE_SKIP:-0}" = "1" ] && warn "MTGATE_NATIVE_SKIP=1"
[ "$(uname -s)" = "Linux" ] || warn "not Linux ($(uname -s))"
case "$(uname -m)" in x86_64|amd64) ;; *) warn "not x86_64 ($(uname -m))" ;; esac
command -v "$cc" >/dev/null 2>&1 || warn "no C compiler ($cc) on PATH"
[ -f "$java_home/include/jni.h" ] && [ -f "$java_home/include/linux/jni_md.h" ] \
    || warn "JNI headers not found under $java_home/include"

flags=(-O2 -maes -msse4.1 -fPIC -shared -fvisibility=hidden -Wall -Wextra
       -I"$java_home/include" -I"$java_home/include/linux"
       -Wl,-z,noexecstack -Wl,-z,relro -Wl,-z,now -s)


# Probe the toolchain (libc headers, intrinsics, jni.h) on a trivial file, so that a missing
# package is a warning while a real error in mtgate_ige.c still fails the build.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <jni.h>\n#include <stdint.h>\n#include <string.h>\n#include <cpuid.h>\n#include <wmmintrin.h>\nint probe(void){return 0;}\n' > "$tmp/probe.c"
"$cc" "${flags[@]}" -o "$tmp/probe.so" "$tmp/probe.c" >"$tmp/probe.log" 2>&1 \
    || warn "toolchain probe failed ($(head -c 300 "$tmp/probe.log" | tr '\n' ' '))"

mkdir -p "$(dirname "$out")"
if ! { [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; }; then
    "$cc" "${flags[@]}" -o "$tmp/lib.so" "$src"
    mv -f "$tmp/lib.so" "$out"
    echo "[INFO] built native AES-IGE kernel: $out"
fi

# The constant-time modexp for the handshake links libcrypto; without its headers (Debian:
# libssl-dev) it is skipped with a warning and io.mtgate.crypto.Dh uses BigInteger.
bn_src="$src_dir/mtgate_bn.c"
bn_out="$(dirname "$out")/libmtgate_bn.so"
if [ -f "$bn_out" ] && [ "$bn_out" -nt "$bn_src" ] && [ "$bn_out" -nt "$0" ]; then
    exit 0
fi
printf '#include <openssl/bn.h>\nint probe(void){return BN_num_bits(0);}\n' > "$tmp/bnprobe.c"
if ! "$cc" -fPIC -shared -o "$tmp/bnprobe.so" "$tmp/bnprobe.c" -lcrypto >"$tmp/bnprobe.log" 2>&1; then
    echo "[WARNING] native modexp not built (libcrypto headers missing: install libssl-dev); Dh will use BigInteger" >&2
    exit 0
fi
bn_flags=(-O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra
          -I"$java_home/include" -I"$java_home/include/linux"
          -Wl,-z,noexecstack -Wl,-z,relro -Wl,-z,now -s)
"$cc" "${bn_flags[@]}" -o "$tmp/bn.so" "$bn_src" -lcrypto
mv -f "$tmp/bn.so" "$bn_out"
echo "[INFO] built native modexp (libcrypto): $bn_out"
