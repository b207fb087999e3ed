#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run) and as the README's second command.
#
#   scripts/test.sh [--no-deps] [--no-fuzz] [--scratch-path DIR] [-- PYTEST_ARGS...]
#
# Stages, each under a "=== stage" header, in this order:
#   deps     apt packages the build and the tests need (only the missing ones; needs root to install)
#            and a Python venv in .venv with pytest, PyYAML, openapi-spec-validator, pylxd and schemathesis
#   build    swift build --build-tests (once; later stages reuse it, berthd included)
#   unit     swift test --skip-build --no-parallel (Swift Testing and XCTest)
#   lint     swift format lint --strict over the Swift sources and Swift test folders
#   openapi  specs/openapi.yaml parses and is a valid OpenAPI 3.1 document
#   e2e      the pytest suite in Tests/EndToEnd against .build/debug/berthd
#   deploy   the README's first command, deploy/setup.sh, on a state directory of its own: it builds
#            the deployed binary (release, static Swift runtime, in .build/static), starts it and
#            waits; then lxc reads it, a second run changes nothing, --status and --stop work
#   fuzz     scripts/fuzz.sh $FUZZ_SECONDS (default 60 per target, four targets), when that script exists
# A failing stage does not hide the others (unit and e2e are skipped when the build fails);
# the summary at the end lists every stage, and the exit status is non-zero if any stage failed.
#
# env: FUZZ_SECONDS (default 60), PYTHON (default python3)
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

deps=1
fuzz=1
scratch=".build"
pytest_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-deps) deps=0 ;;
        --no-fuzz) fuzz=0 ;;
        --scratch-path) scratch="$2"; shift ;;
        --scratch-path=*) scratch="${1#*=}" ;;
        --) shift; pytest_args=("$@"); break ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "test.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

fuzz_seconds="${FUZZ_SECONDS:-60}"
python="${PYTHON:-python3}"
venv="$root/.venv"
started_all=$SECONDS
declare -a summary=()
failed=0

# Runs "$@" as stage $1 with a header, its output as it comes, and a result line.
stage() {
    local name="$1"; shift
    local start=$SECONDS
    echo
    echo "=== ${name} ($(date -u +%H:%M:%S)): $*"
    "$@"
    local status=$?
    local took=$((SECONDS - start))
    if [[ $status -eq 0 ]]; then
        echo "=== ${name}: PASS (${took}s)"
        summary+=("$(printf '%-8s PASS  %5ss' "$name" "$took")")
    else
        echo "=== ${name}: FAIL, exit ${status} (${took}s)"
        summary+=("$(printf '%-8s FAIL  %5ss  (exit %s)' "$name" "$took" "$status")")
        failed=1
    fi
    return $status
}

skip() {
    echo
    echo "=== $1: SKIPPED ($2)"
    summary+=("$(printf '%-8s SKIP          (%s)' "$1" "$2")")
}

find_swift() {
    if command -v swift >/dev/null 2>&1; then return 0; fi
    local dir
    for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin "$HOME/.local/share/swiftly/bin"; do
        if [[ -x "$dir/swift" ]]; then export PATH="$dir:$PATH"; return 0; fi
    done
    echo "error: no Swift toolchain on PATH (Swift 6 is needed; see https://www.swift.org/install/linux/)" >&2
    return 1
}

install_deps() {
    local packages=(libsqlite3-dev libssl-dev pkg-config curl lxd-client python3-venv lxc busybox-static qemu-system-x86 prometheus systemd man-db groff-base)
    local missing=() p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        if [[ $EUID -ne 0 ]]; then
            echo "error: missing packages ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
            return 1
        fi
        echo "installing: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" || return 1
    else
        echo "apt packages present: ${packages[*]}"
    fi
    find_swift || return 1
    swift --version 2>&1 | head -1
    if [[ ! -x "$venv/bin/python" ]]; then
        "$python" -m venv "$venv" || return 1
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pytest pyyaml openapi-spec-validator "pylxd==2.4.2" \
        "schemathesis==4.32.5" \
        || return 1
    "$venv/bin/python" -m pytest --version
}

lint() {
    local dirs=(Sources) d
    for d in Tests/*Tests Tests/TestDaemon; do [[ -d "$d" ]] && dirs+=("$d"); done
    echo "linting: ${dirs[*]}"
    swift format lint --strict -r "${dirs[@]}"
}

validate_openapi() {
    "$venv/bin/python" - <<'EOF'
import yaml
from openapi_spec_validator import validate
spec = yaml.safe_load(open("specs/openapi.yaml"))
validate(spec)
print(f"specs/openapi.yaml: valid OpenAPI {spec['openapi']}, {len(spec['paths'])} paths")
EOF
}

e2e() {
    local binary="$root/$scratch/debug/berthd"
    if [[ ! -x "$binary" ]]; then
        echo "error: $binary was not built" >&2
        return 1
    fi
    BERTHD="$binary" BERTH_TEST_DAEMON="$root/$scratch/debug/BerthTestDaemon" \
        "$venv/bin/python" -m pytest Tests/EndToEnd -v -ra "${pytest_args[@]}"
}

# Helpers of deploy_check; `setup`, `dir` and `binary` are its locals (bash scopes dynamically).
deploy_lxc_reads_it() {
    local output
    output="$(LXD_DIR="$dir/state" lxc info)" && grep -qx '  server: berth' <<<"$output"
}
# Whole output first: `grep -q` would quit at the match and, under pipefail, fail setup.sh's last writes.
deploy_second_run_changes_nothing() {
    local output
    output="$("${setup[@]}")" && [[ "$output" == *"already running"* ]]
}
deploy_not_running() { ! "${setup[@]}" --status; }
# The idle-memory figures depend on it (see Package.swift).
deploy_has_packed_relocations() {
    local output
    output="$(readelf -d "$binary")" && grep -q RELR <<<"$output"
}

deploy_check() {
    local dir status=0 binary="$root/.build/static/release/berthd"
    dir="$(mktemp -d /tmp/berth-deploy-XXXXXX)"
    local setup=(env BERTH_STATE_DIR="$dir/state" BERTH_LOG="$dir/berthd.log" BERTH_PID_FILE="$dir/berthd.pid"
        bash "$root/deploy/setup.sh")
    check() {
        local what="$1"; shift
        if "$@"; then echo "ok: $what"; else echo "FAILED: $what" >&2; status=1; fi
    }
    check "deploy/setup.sh builds and starts berthd" "${setup[@]}"
    if [[ $status -eq 0 ]]; then
        check "lxc info reads the started berthd" deploy_lxc_reads_it
        check "a second run finds it running and changes nothing" deploy_second_run_changes_nothing
        check "--status says it runs" "${setup[@]}" --status
        check "the binary has packed relative relocations" deploy_has_packed_relocations
    fi
    check "--stop stops it" "${setup[@]}" --stop
    check "--status then says it does not run" deploy_not_running
    if [[ $status -ne 0 && -f "$dir/berthd.log" ]]; then tail -n 20 "$dir/berthd.log" >&2; fi
    rm -rf "$dir"
    return $status
}

if [[ $deps -eq 1 ]]; then
    stage deps install_deps
else
    skip deps "--no-deps"
    find_swift
fi

build_ok=0
if stage build swift build --build-tests --scratch-path "$scratch"; then
    build_ok=1
    # One test at a time: all 650+ at once on 2 cores (TLS handshakes, tar and openssl children,
    # real servers) starved each other into timeouts — and into EOFs on HTTPServerTests' pipelined
    # connections that are not understood yet (see the issue notes). Serial takes ~35 s.
    stage unit swift test --skip-build --no-parallel --scratch-path "$scratch"
else
    skip unit "build failed"
fi
# Neither needs the build: style and spec problems are reported even when it fails.
stage lint lint
stage openapi validate_openapi
if [[ $build_ok -eq 1 ]]; then
    stage e2e e2e
else
    skip e2e "build failed"
fi

stage deploy deploy_check

if [[ $fuzz -eq 0 ]]; then
    skip fuzz "--no-fuzz"
elif [[ -f scripts/fuzz.sh ]]; then
    stage fuzz bash scripts/fuzz.sh "$fuzz_seconds"
else
    skip fuzz "scripts/fuzz.sh does not exist"
fi

echo
echo "=== summary ($((SECONDS - started_all))s)"
printf '  %s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
    echo "=== RESULT: FAIL"
    exit 1
fi
echo "=== RESULT: PASS"
