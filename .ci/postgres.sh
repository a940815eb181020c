# Sourced by .ci/run: install and start a throwaway PostgreSQL, export its URL.
#
# Installs Debian's `postgresql` package when no server binaries are found, starts a
# fresh cluster in a temporary directory on 127.0.0.1 (as the `postgres` user when run
# as root: the server refuses to run as root), creates a database and exports
#   TOEZEGGING_TEST_DATABASE_URL=postgresql+psycopg://toezegging@127.0.0.1:PORT/toezegging_test
# The cluster is stopped and removed when the calling shell exits.
# Returns 0 when the database is up, 1 when PostgreSQL cannot be had here.
# Works when sourced under `set -e` with `||` (errexit is off there; each step is checked).

_tz_pg_log() { echo "ci/postgres: $*" >&2; }

_tz_pg_bindir() {
    # Debian keeps the server out of PATH: /usr/lib/postgresql/NN/bin. Newest version wins.
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
        echo "$d"; return 0
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

_tz_pg_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            _tz_pg_log "PostgreSQL is not installed and this user cannot install it"
            return 1
        fi
    fi
    command -v apt-get >/dev/null 2>&1 || { _tz_pg_log "no apt-get: install PostgreSQL yourself"; return 1; }
    _tz_pg_log "installing PostgreSQL from Debian's packages"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || return 1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
}

_tz_pg_start() {
    local bindir run_as dir port url
    bindir=$(_tz_pg_bindir) || { _tz_pg_install && bindir=$(_tz_pg_bindir); } || return 1
    command -v python3 >/dev/null 2>&1 || { _tz_pg_log "python3 is needed to pick a port"; return 1; }

    run_as=()
    dir=$(mktemp -d "${TMPDIR:-/tmp}/toezegging-pg.XXXXXX") || return 1
    if [ "$(id -u)" -eq 0 ]; then
        # root cannot run the server: hand the directory to the package's own user.
        local user=postgres
        id "$user" >/dev/null 2>&1 || user=nobody
        chown "$user" "$dir" || return 1
        chmod 700 "$dir"
        run_as=(runuser -u "$user" --)
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') || return 1

    "${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U toezegging --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 \
        || "${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U toezegging --auth=trust -E UTF8 --no-locale \
        >"$dir/initdb.log" 2>&1 \
        || { _tz_pg_log "initdb failed:"; cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1; }
    "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null \
        || { _tz_pg_log "the server did not start:"; cat "$dir/server.log" >&2; rm -rf "$dir"; return 1; }

    _TZ_PG_STOP="${run_as[*]} $bindir/pg_ctl -D $dir/data -m immediate stop >/dev/null 2>&1; rm -rf $dir"
    trap 'eval "$_TZ_PG_STOP"' EXIT

    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U toezegging toezegging_test \
        || { _tz_pg_log "createdb failed"; eval "$_TZ_PG_STOP"; trap - EXIT; return 1; }
    url="postgresql+psycopg://toezegging@127.0.0.1:$port/toezegging_test"
    export TOEZEGGING_TEST_DATABASE_URL="$url"
    _tz_pg_log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($url)"
}

_tz_pg_start || return 1
return 0
