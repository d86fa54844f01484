#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks: sourced, it defines start_postgres and stop_postgres.
# start_postgres installs PostgreSQL from Debian when it is missing, creates a cluster in a new temporary folder, starts
# it on 127.0.0.1 on a free port and exports BATON_TEST_POSTGRES (an Npgsql connection string). stop_postgres stops that
# server by its PID and deletes the folder. A server already named by BATON_TEST_POSTGRES is used as it is, and left alone.

baton_pg_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bin" ] && command -v pg_config >/dev/null; then
        bin=$(pg_config --bindir)
    fi
    echo "$bin"
}

# Runs a PostgreSQL tool as the postgres user when we are root (initdb and postgres refuse to run as root).
baton_pg_run() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    if [ -n "${BATON_TEST_POSTGRES:-}" ]; then
        echo "postgres: using the server given by BATON_TEST_POSTGRES"
        return 0
    fi

    local bin
    bin=$(baton_pg_bin)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        echo "postgres: not installed; installing it from Debian"
        if [ "$(id -u)" -ne 0 ]; then
            echo "postgres: installing needs root (apt-get install postgresql); install it, or set BATON_TEST_POSTGRES" >&2
            return 1
        fi
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
        bin=$(baton_pg_bin)
    fi

    BATON_PG_DIR=$(mktemp -d /tmp/baton-pg.XXXXXX)
    chmod 755 "$BATON_PG_DIR"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres "$BATON_PG_DIR"
    fi

    # fsync stays on: the tests prove durability on this server, so it syncs as a real one does.
    baton_pg_run "$bin/initdb" -D "$BATON_PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$BATON_PG_DIR/initdb.log" 2>&1 \
        || { cat "$BATON_PG_DIR/initdb.log" >&2; return 1; }

    local port attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 20000))
        (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue # taken
        if baton_pg_run "$bin/pg_ctl" -D "$BATON_PG_DIR/data" -l "$BATON_PG_DIR/server.log" -w -t 60 start \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $BATON_PG_DIR -c max_connections=400 -c shared_buffers=256MB" >/dev/null; then
            BATON_PG_PID=$(head -n 1 "$BATON_PG_DIR/data/postmaster.pid")
            export BATON_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
            export BATON_PG_PID BATON_PG_DIR
            echo "postgres: started on 127.0.0.1:$port (pid $BATON_PG_PID)"
            return 0
        fi
    done

    cat "$BATON_PG_DIR/server.log" >&2
    return 1
}

stop_postgres() {
    if [ -z "${BATON_PG_PID:-}" ]; then
        return 0
    fi

    # A fast shutdown (SIGINT) ends open sessions; wait for the postmaster to exit before deleting its folder.
    kill -INT "$BATON_PG_PID" 2>/dev/null
    local waited=0
    while kill -0 "$BATON_PG_PID" 2>/dev/null && [ $waited -lt 300 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -rf "$BATON_PG_DIR"
    echo "postgres: stopped (pid $BATON_PG_PID)"
    unset BATON_PG_PID BATON_PG_DIR BATON_TEST_POSTGRES
}
