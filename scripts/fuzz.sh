#!/usr/bin/env bash
# Fuzz every libFuzzer target for SECONDS each; CI runs it with 60 (scripts/test.sh, FUZZ_SECONDS).
#
#   scripts/fuzz.sh [SECONDS=60] [extra libFuzzer flags...]
#   FUZZ_TARGETS="tar filter" scripts/fuzz.sh 600      # some targets only, longer
#
# Targets (name: executable, seeds in fuzz/corpus/<name>):
#   http      FuzzHTTP      HTTP/1.1 parser, WebSocket codec and handshake, JSON parser/encoder
#   tar       FuzzTar       the image tarball header reader (paths never escape, splits agree)
#   requests  FuzzRequests  JSON request bodies as the API decodes them (400 or a value; the two JSON readers agree)
#   filter    FuzzFilter    the collections filter grammar and the linear-time regex engine
#
# A longer run that keeps what it learns (the corpus grows in place; commit the useful additions):
#   FUZZ_KEEP_CORPUS=1 scripts/fuzz.sh 3600 -jobs=2 -workers=2
#
# Builds with exactly the flag combination that instruments the code and keeps libFuzzer's main
# (docs: shared/reference/swift-foundations.md §3), plus -enable-testing (the targets reach internal
# types with @testable) and -DBERTH_FUZZ; runs each target on a temporary copy of its seeds (unless
# FUZZ_KEEP_CORPUS), fails if a binary has no coverage counters, and exits non-zero if any target
# crashed, printing where libFuzzer saved the input (fuzz/artifacts/<target>-crash-…) and how to
# reproduce it.
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

declare -A executables=([http]=FuzzHTTP [tar]=FuzzTar [requests]=FuzzRequests [filter]=FuzzFilter)
targets=(${FUZZ_TARGETS:-http tar requests filter})
flags=(-c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
    -Xswiftc -DBERTH_FUZZ --scratch-path .build-fuzz)

work="$(mktemp -d "${TMPDIR:-/tmp}/berth-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p fuzz/artifacts
bin_path="$(swift build "${flags[@]}" --show-bin-path)"

failed=()
for target in "${targets[@]}"; do
    product="${executables[$target]:-}"
    [[ -n "$product" ]] || { echo "error: unknown fuzz target $target (known: ${!executables[*]})" >&2; exit 2; }
    echo "==> $target: building $product (release, -sanitize=fuzzer,address)"
    build_log="$work/build-$target.log"
    if ! swift build "${flags[@]}" --product "$product" >"$build_log" 2>&1; then
        grep -v "Cannot export local symbol" "$build_log" >&2
        exit 1
    fi
    binary="$bin_path/$product"
    [[ -x "$binary" ]] || { echo "error: $binary was not built" >&2; exit 1; }

    corpus="fuzz/corpus/$target"
    if [[ -z "${FUZZ_KEEP_CORPUS:-}" ]]; then
        corpus="$work/corpus-$target"
        mkdir -p "$corpus"
        cp "fuzz/corpus/$target"/* "$corpus/"
    fi
    log="$work/fuzz-$target.log"
    echo "==> $target: fuzzing for ${seconds}s ($(ls "$corpus" | wc -l) inputs in its corpus)"
    set +e
    # LeakSanitizer's report at exit lists the caches the Swift runtime and Foundation keep for the
    # process's life (a few KB, once: FuzzFilter showed 2 KB in 48 blocks after 200,000 inputs),
    # not per-input leaks; a growing leak still shows as rss against -rss_limit_mb.
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" SWIFT_BACKTRACE=enable=no \
        "$binary" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$root/fuzz/artifacts/$target-" -timeout=10 -rss_limit_mb=2048 "$@" \
        "$corpus" >"$log" 2>&1
    status=$?
    set -e
    grep -E "^(INFO: Loaded|INFO: seed corpus|#[0-9]+[[:space:]]+(INITED|DONE))|ERROR|SUMMARY|artifact|Fatal error|^stat::number_of_executed_units|^stat::new_units_added" "$log" || true

    # A run without coverage explores nothing and proves nothing: fail it.
    counters="$(sed -nE 's/^INFO: Loaded [0-9]+ modules? +\(([0-9]+) inline 8-bit counters\).*/\1/p' "$log" | head -1)"
    if [[ -z "$counters" || "$counters" -eq 0 ]]; then
        echo "error: no coverage counters in $binary; the build is not instrumented (see swift-foundations.md §3)" >&2
        exit 1
    fi
    echo "==> $target: coverage counters: $counters"

    if [[ $status -ne 0 ]]; then
        crash="$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -1)"
        echo "error: $target: libFuzzer exited with status $status" >&2
        [[ -n "$crash" ]] && echo "crashing input: $crash (reproduce: SWIFT_BACKTRACE=enable=no $binary $crash)" >&2
        failed+=("$target")
    else
        echo "==> $target: no crashes"
    fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
    echo "error: crashes in: ${failed[*]}" >&2
    exit 1
fi
echo "==> no crashes in: ${targets[*]}"
