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

# Up to date? (the .so is newer than the source and this script)
if [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
    exit 0
fi

# Probe the toolchain (libc headers, intrinsics, jni.h) on a trivial file, so that a missing
# package is a warning while a real error in mtgate_ige.c still fails the build.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <jni.h>\n#include <stdint.h>\n#include <string.h>\n#include <cpuid.h>\n#include <wmmintrin.h>\nint probe(void){return 0;}\n' > "$tmp/probe.c"
"$cc" "${flags[@]}" -o "$tmp/probe.so" "$tmp/probe.c" >"$tmp/probe.log" 2>&1 \
    || warn "toolchain probe failed ($(head -c 300 "$tmp/probe.log" | tr '\n' ' '))"

mkdir -p "$(dirname "$out")"
"$cc" "${flags[@]}" -o "$tmp/lib.so" "$src"
mv -f "$tmp/lib.so" "$out"
echo "[INFO] built native AES-IGE kernel: $out"
