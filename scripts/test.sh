#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions run indirectly (run_step, traps)
# The one test command of the project (CI runs it through .ci/run).
#
#   ./scripts/test.sh [extra cargo test args...]
#
# Steps, stopping at the first failure (a summary is always printed):
#   1. system packages: chromium + chromedriver (browser tests), python3-aiosmtpd (the
#      SMTP server of the mail round trip), libpq-dev
#      (diesel's postgres feature links libpq), postgresql server binaries;
#      installed with apt-get when missing and we are root
#   2. rust toolchain (cargo, rustfmt, clippy)
#   2b. schemathesis (pinned, from PyPI) in a venv at target/schemathesis-venv: the API
#      fuzz test (tests/http/api_fuzz.rs) runs it against the OpenAPI document
#   3. a throwaway PostgreSQL server on 127.0.0.1:<free port> in a temp dir
#      (never the machine's own server), stopped and removed on exit
#   4. cargo fmt --all -- --check
#   5. cargo clippy --all-targets -- -D warnings
#   6. CLIENTELA_TEST_BACKEND=sqlite   cargo test --all-targets [args]
#   7. CLIENTELA_TEST_BACKEND=postgres cargo test --test <each PG_TEST_TARGETS> [args]
#
# With CI=true nothing may be skipped: a missing browser or PostgreSQL is an error.
#
# Environment exported to the tests:
#   CLIENTELA_CHROMIUM, CLIENTELA_CHROMEDRIVER  (when available)
#   CLIENTELA_SCHEMATHESIS                      (its `st`, when installed)
#   CLIENTELA_TEST_PG_URL=postgres://postgres@127.0.0.1:<port>/postgres
#   CLIENTELA_TEST_BACKEND=sqlite|postgres      (per test step)
#   CI                                          (passed through when set)
#
# Knobs: PG_TEST_TARGETS (integration test binaries rerun on PostgreSQL),
#        CLIENTELA_PG_BINDIR (directory holding initdb/pg_ctl to use).

set -euo pipefail

# Integration test binaries (tests/<name>.rs) that depend on the database
# backend and are therefore rerun against PostgreSQL.
PG_TEST_TARGETS="${PG_TEST_TARGETS:-http browser}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd -P)"

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

IS_CI=0
case "${CI:-}" in
    true | TRUE | True | 1 | yes | YES) IS_CI=1 ;;
esac
# Pass CI through to the tests, but never invent it (an empty CI would still
# look "set" to std::env::var).
if [[ -n "${CI+x}" ]]; then export CI; fi

IS_ROOT=0
if [[ "$(id -u)" -eq 0 ]]; then IS_ROOT=1; fi

log() { printf '[test.sh] %s\n' "$*" >&2; }
warn() { printf '[test.sh] WARNING: %s\n' "$*" >&2; }
die() {
    printf '[test.sh] ERROR: %s\n' "$*" >&2
    exit 1
}

# Missing dependency: fatal on CI, a warning elsewhere.
missing() {
    if ((IS_CI)); then
        die "$* (CI=true: nothing may be skipped)"
    fi
    warn "$*"
}

fmt_duration() {
    local s=$1
    printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# Step bookkeeping for the final summary.
PLANNED_STEPS=(
    "setup: system packages"
    "setup: rust toolchain"
    "setup: schemathesis"
    "setup: postgresql server"
    "cargo fmt --all -- --check"
    "cargo clippy --all-targets -- -D warnings"
    "cargo test --all-targets (sqlite)"
    "cargo test (postgres)"
)
DONE_NAMES=()
DONE_STATUS=()
DONE_SECS=()
CURRENT_STEP=""
CURRENT_START=0
SCRIPT_START=$SECONDS

banner() {
    printf '\n==============================================================================\n' >&2
    printf '==> %s\n' "$*" >&2
    printf '==============================================================================\n' >&2
}

record_step() { # name status seconds
    DONE_NAMES+=("$1")
    DONE_STATUS+=("$2")
    DONE_SECS+=("$3")
}

# run_step NAME CMD...: runs CMD, records PASS/FAIL and its duration, and
# returns CMD's status. The caller stops at the first failure.
run_step() {
    local name=$1
    shift
    banner "$name"
    CURRENT_STEP=$name
    CURRENT_START=$SECONDS
    if [[ "$1" != setup_* ]]; then log "+ $*"; fi
    local rc=0
    "$@" || rc=$?
    local status=PASS
    if ((rc != 0)); then status=FAIL; fi
    record_step "$name" "$status" $((SECONDS - CURRENT_START))
    CURRENT_STEP=""
    if ((rc != 0)); then
        log "step failed (exit code $rc): $name"
    fi
    return "$rc"
}

skip_step() { # name reason
    banner "$1"
    warn "skipped: $2"
    record_step "$1" "SKIP" 0
}

print_summary() {
    local overall=$1 note=${2:-} i name
    {
        printf '\n==============================================================================\n'
        printf 'SUMMARY\n'
        printf '==============================================================================\n'
        for i in "${!DONE_NAMES[@]}"; do
            printf '  %-8s %8s  %s\n' "${DONE_STATUS[$i]}" "$(fmt_duration "${DONE_SECS[$i]}")" "${DONE_NAMES[$i]}"
        done
        if [[ -n "$CURRENT_STEP" ]]; then
            printf '  %-8s %8s  %s\n' "FAIL" "$(fmt_duration $((SECONDS - CURRENT_START)))" "$CURRENT_STEP"
        fi
        for name in "${PLANNED_STEPS[@]}"; do
            local seen=0 d
            for d in "${DONE_NAMES[@]}" "$CURRENT_STEP"; do
                if [[ "$d" == "$name" ]]; then seen=1; fi
            done
            if ((!seen)); then printf '  %-8s %8s  %s\n' "NOT RUN" "" "$name"; fi
        done
        printf -- '------------------------------------------------------------------------------\n'
        printf '  %-8s %8s  total%s\n' "$overall" "$(fmt_duration $((SECONDS - SCRIPT_START)))" "${note:+ ($note)}"
    } >&2
    # One plain closing line over every cargo test run (both backends).
    if [[ -s "$TEST_LOG" ]]; then
        awk '/^test result:/ {
                for (i = 1; i <= NF; i++) {
                    if ($(i+1) ~ /^passed/) p += $i
                    if ($(i+1) ~ /^failed/) f += $i
                    if ($(i+1) ~ /^ignored/) s += $i
                }
            }
            END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$TEST_LOG"
    fi
}

# cargo_test CMD...: runs a test command, keeping its output for the closing count.
cargo_test() {
    "$@" 2>&1 | tee -a "$TEST_LOG"
}

# ---------------------------------------------------------------------------
# system packages
# ---------------------------------------------------------------------------

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null 2>&1 || {
        warn "apt-get not available, cannot install: $*"
        return 1
    }
    if ((!APT_UPDATED)); then
        log "apt-get update"
        apt-get -o DPkg::Lock::Timeout=600 -q update </dev/null || return 1
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q install -y "$@" </dev/null
}

have_browser() {
    if [[ -n "${CLIENTELA_CHROMIUM:-}" && -x "${CLIENTELA_CHROMIUM}" &&
        -n "${CLIENTELA_CHROMEDRIVER:-}" && -x "${CLIENTELA_CHROMEDRIVER}" ]]; then
        return 0
    fi
    [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]
}

have_libpq() {
    if command -v dpkg-query >/dev/null 2>&1; then
        dpkg-query -W -f='${Status}' libpq-dev 2>/dev/null | grep -q 'ok installed'
    else
        command -v pg_config >/dev/null 2>&1 ||
            { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libpq; }
    fi
}

have_cc() { command -v cc >/dev/null 2>&1; }

# Debian's python3-aiosmtpd: the real SMTP server of the mail round-trip tests. It installs
# for Debian's own /usr/bin/python3 (not a pyenv one on PATH).
have_aiosmtpd() { /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; }

# Sets PG_BIN to a directory holding initdb, pg_ctl and postgres (highest
# installed version), or returns 1.
PG_BIN=""
find_pg_bin() {
    local d candidates=()
    if [[ -n "${CLIENTELA_PG_BINDIR:-}" ]]; then candidates+=("$CLIENTELA_PG_BINDIR"); fi
    # Debian/Ubuntu layout, newest version first.
    while IFS= read -r d; do
        [[ -n "$d" ]] && candidates+=("$d")
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V -r)
    if command -v initdb >/dev/null 2>&1; then
        candidates+=("$(dirname "$(command -v initdb)")")
    fi
    for d in "${candidates[@]}"; do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
            PG_BIN=$d
            return 0
        fi
    done
    return 1
}

# Finds cargo (also in ~/.cargo/bin when PATH lacks it).
find_cargo() {
    command -v cargo >/dev/null 2>&1 && return 0
    local home_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
    if [[ -x "$home_bin/cargo" ]]; then
        export PATH="$home_bin:$PATH"
        return 0
    fi
    return 1
}

setup_system_packages() {
    local need=()
    if ! have_browser; then
        log "chromium and/or chromedriver missing"
        need+=(chromium chromium-driver)
    fi
    if ! have_libpq; then
        log "libpq-dev missing"
        need+=(libpq-dev)
    fi
    if ! find_pg_bin; then
        log "postgresql server binaries (initdb, pg_ctl) missing"
        need+=(postgresql)
    fi
    if ! have_cc; then
        log "C compiler missing"
        need+=(gcc libc6-dev pkg-config)
    fi
    if ! have_aiosmtpd; then
        log "python3-aiosmtpd missing"
        need+=(python3-aiosmtpd)
    fi
    if ((${#need[@]})); then
        if ((IS_ROOT)); then
            apt_install "${need[@]}" || missing "apt-get install ${need[*]} failed"
        else
            missing "not root, cannot install: ${need[*]} (install them, e.g. sudo apt-get install ${need[*]})"
        fi
    fi

    # Re-check and export.
    if have_browser; then
        if [[ -z "${CLIENTELA_CHROMIUM:-}" || ! -x "${CLIENTELA_CHROMIUM}" ||
            -z "${CLIENTELA_CHROMEDRIVER:-}" || ! -x "${CLIENTELA_CHROMEDRIVER}" ]]; then
            CLIENTELA_CHROMIUM=/usr/bin/chromium
            CLIENTELA_CHROMEDRIVER=/usr/bin/chromedriver
        fi
        export CLIENTELA_CHROMIUM CLIENTELA_CHROMEDRIVER
        log "CLIENTELA_CHROMIUM=$CLIENTELA_CHROMIUM ($("$CLIENTELA_CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
        log "CLIENTELA_CHROMEDRIVER=$CLIENTELA_CHROMEDRIVER ($("$CLIENTELA_CHROMEDRIVER" --version 2>/dev/null || echo 'version unknown'))"
    else
        missing "chromium/chromedriver not available: browser tests cannot run"
    fi
    if have_aiosmtpd; then
        export CLIENTELA_SMTPD_PYTHON=/usr/bin/python3
        log "CLIENTELA_SMTPD_PYTHON=$CLIENTELA_SMTPD_PYTHON (aiosmtpd)"
    else
        missing "python3-aiosmtpd not available: the SMTP round-trip tests cannot run"
    fi
    have_libpq || missing "libpq-dev not available: linking diesel's postgres backend will fail"
    have_cc || missing "no C compiler (cc) available: the build will fail"
    if find_pg_bin; then
        log "postgresql binaries: $PG_BIN ($("$PG_BIN/postgres" --version 2>/dev/null || echo 'version unknown'))"
    else
        missing "postgresql server binaries not available: PostgreSQL tests cannot run"
    fi
    return 0
}

# ---------------------------------------------------------------------------
# rust toolchain
# ---------------------------------------------------------------------------

version_ge() { # a b: a >= b (dotted versions)
    [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

setup_rust() {
    # The toolchain comes with the machine (rustup in ~/.cargo); it cannot be
    # downloaded from here, so only locate and check it.
    find_cargo || die "cargo not found (neither on PATH nor in ${CARGO_HOME:-$HOME/.cargo}/bin): install Rust with rustup"

    local want have
    want=$(sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)
    have=$(cargo --version | awk '{print $2}' | sed 's/-.*//')
    if [[ -n "$want" && -n "$have" ]] && ! version_ge "$have" "$want"; then
        die "cargo $have is older than the crate's rust-version $want"
    fi

    if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
        if command -v rustup >/dev/null 2>&1; then
            log "adding rustfmt and clippy components"
            rustup component add rustfmt clippy </dev/null || die "rustup component add rustfmt clippy failed"
        fi
        cargo fmt --version >/dev/null 2>&1 || die "rustfmt (cargo fmt) is not available"
        cargo clippy --version >/dev/null 2>&1 || die "clippy (cargo clippy) is not available"
    fi
    log "$(cargo --version)"
    log "$(cargo fmt --version)"
    log "$(cargo clippy --version)"
}

# ---------------------------------------------------------------------------
# schemathesis (the API fuzz test's tool)
# ---------------------------------------------------------------------------

SCHEMATHESIS_VERSION="4.32.5"
SCHEMATHESIS_VENV="$REPO_ROOT/target/schemathesis-venv"

have_schemathesis() {
    [[ -x "$SCHEMATHESIS_VENV/bin/st" ]] &&
        "$SCHEMATHESIS_VENV/bin/st" --version 2>/dev/null | grep -qF "version $SCHEMATHESIS_VERSION"
}

# Installs the pinned schemathesis into a venv of the build dir (kept between runs: a second
# run only checks its version) and exports CLIENTELA_SCHEMATHESIS. Without it the fuzz test
# skips, except with CI=true, where this step fails.
setup_schemathesis() {
    if ! have_schemathesis; then
        local py
        py=$(command -v python3) || {
            missing "python3 not found: schemathesis cannot be installed, the API fuzz test cannot run"
            return 0
        }
        log "installing schemathesis $SCHEMATHESIS_VERSION into $SCHEMATHESIS_VENV"
        rm -rf "$SCHEMATHESIS_VENV"
        mkdir -p "$REPO_ROOT/target"
        if ! "$py" -m venv "$SCHEMATHESIS_VENV" && ((IS_ROOT)); then
            # Debian's python3 needs python3-venv for `-m venv`.
            rm -rf "$SCHEMATHESIS_VENV"
            apt_install python3-venv && "$py" -m venv "$SCHEMATHESIS_VENV"
        fi
        if [[ ! -x "$SCHEMATHESIS_VENV/bin/pip" ]]; then
            rm -rf "$SCHEMATHESIS_VENV"
            missing "python3 -m venv failed (install python3-venv): the API fuzz test cannot run"
            return 0
        fi
        if ! "$SCHEMATHESIS_VENV/bin/pip" install -q --disable-pip-version-check \
            "schemathesis==$SCHEMATHESIS_VERSION" </dev/null; then
            rm -rf "$SCHEMATHESIS_VENV"
            missing "pip install schemathesis==$SCHEMATHESIS_VERSION failed: the API fuzz test cannot run"
            return 0
        fi
        have_schemathesis || {
            missing "schemathesis $SCHEMATHESIS_VERSION does not run from $SCHEMATHESIS_VENV"
            return 0
        }
    fi
    export CLIENTELA_SCHEMATHESIS="$SCHEMATHESIS_VENV/bin/st"
    log "CLIENTELA_SCHEMATHESIS=$CLIENTELA_SCHEMATHESIS ($("$CLIENTELA_SCHEMATHESIS" --version 2>/dev/null))"
}

# ---------------------------------------------------------------------------
# throwaway PostgreSQL server
# ---------------------------------------------------------------------------

PG_TMP=""
PG_DATA=""
PG_PORT=""

# Runs a command as the PostgreSQL server user (postgres refuses to run as
# root) from inside the temp dir (the caller's cwd may be unreadable for it).
as_pg() {
    if ((IS_ROOT)); then
        (cd "$PG_TMP" && runuser -u postgres -- env LC_ALL=C "$@")
    else
        (cd "$PG_TMP" && env LC_ALL=C "$@")
    fi
}

ensure_postgres_user() {
    id -u postgres >/dev/null 2>&1 && return 0
    log "creating system user postgres"
    if getent group postgres >/dev/null 2>&1; then
        useradd --system --gid postgres --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin postgres
    else
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin postgres
    fi
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null && return 0
    fi
    local p _
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

pg_tool() { # name: prefer the server's bin dir, then PATH
    if [[ -x "$PG_BIN/$1" ]]; then
        echo "$PG_BIN/$1"
    else
        command -v "$1"
    fi
}

pg_stop() {
    [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]] || return 0
    local pid
    pid=$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
    fi
}

pg_cleanup() {
    [[ -n "$PG_TMP" && -d "$PG_TMP" ]] || return 0
    pg_stop
    rm -rf "$PG_TMP"
    log "throwaway PostgreSQL server stopped and $PG_TMP removed"
}

# Servers left behind by an earlier run that was killed outright (SIGKILL
# skips the EXIT trap): stop them and remove their dirs. Only dirs we own (or,
# as root, the postgres user owns) whose owning script is gone are touched.
run_alive() { # pid: is it a live (not zombie) run of this script?
    local pid=$1
    if [[ -d /proc/$pid ]]; then
        [[ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]] &&
            tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'test\.sh'
    elif [[ -d /proc/self ]]; then
        return 1
    else
        kill -0 "$pid" 2>/dev/null
    fi
}

reap_stale_servers() {
    local dir owner pid
    for dir in /tmp/clientela-pg.* "${TMPDIR:-/tmp}"/clientela-pg.*; do
        [[ -d "$dir" && -f "$dir/owner.pid" ]] || continue
        if ((IS_ROOT)); then
            [[ -O "$dir" || "$(stat -c %U "$dir" 2>/dev/null)" == postgres ]] || continue
        else
            [[ -O "$dir" ]] || continue
        fi
        owner=$(cat "$dir/owner.pid" 2>/dev/null || true)
        [[ "$owner" =~ ^[0-9]+$ ]] || continue
        if run_alive "$owner"; then continue; fi
        log "removing stale throwaway PostgreSQL dir $dir (its run, pid $owner, is gone)"
        pid=$(head -n1 "$dir/data/postmaster.pid" 2>/dev/null || true)
        if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
            grep -q "$dir/data" "/proc/$pid/cmdline" 2>/dev/null; then
            kill -QUIT "$pid" 2>/dev/null || true # immediate shutdown
            sleep 1
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        fi
        rm -rf "$dir"
    done
    return 0
}

setup_postgres() {
    [[ -n "$PG_BIN" ]] || find_pg_bin || die "postgresql server binaries not found"
    reap_stale_servers
    if ((IS_ROOT)); then
        command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) is needed to run PostgreSQL as root"
        ensure_postgres_user || die "could not create the postgres system user"
    fi

    # Short, world-traversable base so the postgres user can reach it and the
    # unix socket path stays below the 107-byte limit.
    local base="${TMPDIR:-/tmp}"
    if ((IS_ROOT)) || ((${#base} > 60)) || [[ ! -d "$base" || ! -w "$base" ]]; then base=/tmp; fi
    PG_TMP=$(mktemp -d "$base/clientela-pg.XXXXXX") || die "mktemp failed"
    PG_DATA="$PG_TMP/data"
    local sock="$PG_TMP/socket" logfile=""
    mkdir -p "$sock" || die "mkdir $sock failed"
    echo "$$" >"$PG_TMP/owner.pid"
    if ((IS_ROOT)); then chown -R postgres: "$PG_TMP" || die "chown $PG_TMP failed"; fi

    log "initdb in $PG_DATA"
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres --no-sync -E UTF8 --no-locale \
        >"$PG_TMP/initdb.log" 2>&1; then
        cat "$PG_TMP/initdb.log" >&2
        die "initdb failed"
    fi
    cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- clientela scripts/test.sh: throwaway test server ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
max_connections = 1000
fsync = off
synchronous_commit = off
full_page_writes = off
max_parallel_workers_per_gather = 0
EOF
    # shellcheck disable=SC2181 # errexit is off inside run_step
    [[ $? -eq 0 ]] || die "could not write $PG_DATA/postgresql.conf"

    local attempt port started=0
    for attempt in 1 2 3 4 5; do
        port=$(free_port) || die "could not find a free TCP port"
        logfile="$PG_TMP/postgres.$attempt.log"
        log "starting PostgreSQL on 127.0.0.1:$port (attempt $attempt)"
        if as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$logfile" -w -t 60 -o "-p $port" start >/dev/null 2>&1; then
            started=1
            break
        fi
        warn "PostgreSQL did not start on port $port; server log:"
        tail -n 20 "$logfile" >&2 || true
        pg_stop
    done
    ((started)) || die "could not start the throwaway PostgreSQL server"
    PG_PORT=$port

    local isready
    isready=$(pg_tool pg_isready) || die "pg_isready not found"
    local i
    for i in $(seq 1 60); do
        if "$isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres; then break; fi
        if ((i == 60)); then
            tail -n 50 "$logfile" >&2 || true
            die "PostgreSQL on port $PG_PORT is not answering pg_isready"
        fi
        sleep 0.5
    done

    export CLIENTELA_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    local psql
    if psql=$(pg_tool psql); then
        "$psql" "$CLIENTELA_TEST_PG_URL" -X -A -t -q -c 'select 1' >/dev/null ||
            die "psql 'select 1' against $CLIENTELA_TEST_PG_URL failed"
    fi
    log "CLIENTELA_TEST_PG_URL=$CLIENTELA_TEST_PG_URL"
}

# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

OVERALL=""
OVERALL_NOTE=""
TEST_LOG=$(mktemp /tmp/clientela-tests.XXXXXX)
on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    pg_cleanup
    if [[ -z "$OVERALL" ]]; then
        if ((rc == 0)); then OVERALL=PASS; else OVERALL=FAIL; fi
    fi
    print_summary "$OVERALL" "$OVERALL_NOTE"
    rm -f "$TEST_LOG"
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((IS_CI)); then
    export CARGO_TERM_COLOR=never
    export CARGO_INCREMENTAL=0
fi
export RUST_BACKTRACE="${RUST_BACKTRACE:-1}"
# The tests choose their database themselves (CLIENTELA_TEST_BACKEND,
# CLIENTELA_TEST_PG_URL); a developer's DATABASE_URL must not leak in.
unset DATABASE_URL
# Only the throwaway server started below may be used, never the machine's.
unset CLIENTELA_TEST_PG_URL

log "repo: $REPO_ROOT; CI=${CI:-<unset>}; root=$IS_ROOT; extra cargo test args: ${*:-<none>}"

# Integration test binaries to rerun on PostgreSQL: only those that exist.
pg_args=()
for t in $PG_TEST_TARGETS; do
    if [[ -f "tests/$t.rs" || -f "tests/$t/main.rs" ]] ||
        grep -Eq "^[[:space:]]*name[[:space:]]*=[[:space:]]*\"$t\"" Cargo.toml; then
        pg_args+=(--test "$t")
    else
        warn "PG_TEST_TARGETS: no test target '$t' (tests/$t.rs); not rerun on PostgreSQL"
    fi
done
if ((${#pg_args[@]} == 0)) && ((IS_CI)); then
    die "none of PG_TEST_TARGETS ($PG_TEST_TARGETS) exists: nothing would run on PostgreSQL"
fi

run_step "setup: system packages" setup_system_packages || exit 1
run_step "setup: rust toolchain" setup_rust || exit 1
# A developer's own CLIENTELA_SCHEMATHESIS is used only if it is ours: the step sets it.
unset CLIENTELA_SCHEMATHESIS
run_step "setup: schemathesis" setup_schemathesis || exit 1

PG_AVAILABLE=0
if [[ -n "$PG_BIN" ]]; then
    run_step "setup: postgresql server" setup_postgres || exit 1
    PG_AVAILABLE=1
else
    # Only reachable without CI (setup_system_packages dies on CI).
    skip_step "setup: postgresql server" "postgresql server binaries not installed"
fi

run_step "cargo fmt --all -- --check" cargo fmt --all -- --check || exit 1
run_step "cargo clippy --all-targets -- -D warnings" cargo clippy --all-targets -- -D warnings || exit 1
run_step "cargo test --all-targets (sqlite)" \
    cargo_test env CLIENTELA_TEST_BACKEND=sqlite cargo test --all-targets "$@" || exit 1

PG_STEP="cargo test (postgres)"
if ((${#pg_args[@]} == 0)); then
    skip_step "$PG_STEP" "none of PG_TEST_TARGETS ($PG_TEST_TARGETS) exists"
elif ((!PG_AVAILABLE)); then
    skip_step "$PG_STEP" "no PostgreSQL server available"
else
    run_step "$PG_STEP" \
        cargo_test env CLIENTELA_TEST_BACKEND=postgres cargo test "${pg_args[@]}" "$@" || exit 1
fi

OVERALL=PASS
for s in "${DONE_STATUS[@]}"; do
    if [[ "$s" == SKIP ]]; then OVERALL_NOTE="some steps were skipped"; fi
done
exit 0
