#!/usr/bin/env bash
# Fuzz the HTTP/1.1 parser and WebSocket codec with libFuzzer (Sources/FuzzHTTP).
#
#   scripts/fuzz.sh [SECONDS=60] [extra libFuzzer flags...]
#
# Builds with exactly the flag combination that instruments the code and keeps libFuzzer's main
# (docs: shared/reference/swift-foundations.md §3), runs on a temporary copy of the seed corpus
# in fuzz/corpus/http, fails if the binary has no coverage counters, and exits non-zero on a
# crash, printing where libFuzzer saved the input (fuzz/artifacts/).
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

echo "==> building FuzzHTTP (release, -sanitize=fuzzer,address)"
build_log="$(mktemp)"
if ! swift build -c release --product FuzzHTTP --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address \
    --scratch-path .build-fuzz >"$build_log" 2>&1; then
    grep -v "Cannot export local symbol" "$build_log" >&2
    rm -f "$build_log"
    exit 1
fi
rm -f "$build_log"
binary="$(swift build -c release --product FuzzHTTP --scratch-path .build-fuzz --show-bin-path)/FuzzHTTP"
[[ -x "$binary" ]] || { echo "error: $binary was not built" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/berth-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" fuzz/artifacts
cp fuzz/corpus/http/* "$work/corpus/"
log="$work/fuzz.log"

echo "==> fuzzing for ${seconds}s ($(ls "$work/corpus" | wc -l) seed inputs)"
set +e
SWIFT_BACKTRACE=enable=no "$binary" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$root/fuzz/artifacts/" -timeout=10 -rss_limit_mb=2048 "$@" \
    "$work/corpus" >"$log" 2>&1
status=$?
set -e
grep -E "^(INFO: Loaded|INFO: seed corpus|#[0-9]+[[:space:]]+(INITED|DONE))|ERROR|SUMMARY|artifact|Fatal error|^stat::" "$log" || true

# A run without coverage explores nothing and proves nothing: fail it.
counters="$(sed -nE 's/^INFO: Loaded [0-9]+ modules? +\(([0-9]+) inline 8-bit counters\).*/\1/p' "$log" | head -1)"
if [[ -z "$counters" || "$counters" -eq 0 ]]; then
    echo "error: no coverage counters in $binary; the build is not instrumented (see swift-foundations.md §3)" >&2
    exit 1
fi
echo "==> coverage counters: $counters"

if [[ $status -ne 0 ]]; then
    crash="$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -1)"
    echo "error: libFuzzer exited with status $status" >&2
    [[ -n "$crash" ]] && echo "crashing input: $crash (reproduce: SWIFT_BACKTRACE=enable=no $binary $crash)" >&2
    exit "$status"
fi
echo "==> no crashes"
