#!/usr/bin/env bash
# Azurite, the local Azure Storage emulator, for the Azure Storage store's tests: sourced, it defines start_azurite and
# stop_azurite. start_azurite installs Azurite from npm at the version tests/azurite/package-lock.json pins (once, into
# tests/azurite/node_modules; Node.js and npm from Debian when missing), starts it on 127.0.0.1 on free ports with
# in-memory storage, and exports BATON_TEST_AZURE (a connection string). stop_azurite stops it by its PID. An account
# already named by BATON_TEST_AZURE is used as it is, and left alone.

# shellcheck source=scripts/node.sh
source scripts/node.sh

start_azurite() {
    if [ -n "${BATON_TEST_AZURE:-}" ]; then
        echo "azurite: using the account given by BATON_TEST_AZURE"
        return 0
    fi

    local dir=tests/azurite
    install_node azurite || return 1

    if [ ! -x "$dir/node_modules/.bin/azurite" ]; then
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    fi

    BATON_AZURITE_LOG=$(mktemp /tmp/baton-azurite.XXXXXX)
    local attempt blob queue table waited
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        blob=$((20000 + RANDOM % 20000)); queue=$((blob + 1)); table=$((blob + 2))
        (echo >"/dev/tcp/127.0.0.1/$blob") 2>/dev/null && continue # taken
        (echo >"/dev/tcp/127.0.0.1/$table") 2>/dev/null && continue
        "$dir/node_modules/.bin/azurite" --silent --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl \
            --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" --tableHost 127.0.0.1 --tablePort "$table" \
            >"$BATON_AZURITE_LOG" 2>&1 &
        BATON_AZURITE_PID=$!
        waited=0
        while [ $waited -lt 300 ] && kill -0 "$BATON_AZURITE_PID" 2>/dev/null; do
            if grep -q "Table service is successfully listening" "$BATON_AZURITE_LOG" && grep -q "Blob service is successfully listening" "$BATON_AZURITE_LOG"; then
                # Azurite's well-known development account.
                export BATON_TEST_AZURE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
                export BATON_AZURITE_PID
                echo "azurite: started on 127.0.0.1:$blob-$table (pid $BATON_AZURITE_PID)"
                return 0
            fi
            sleep 0.1
            waited=$((waited + 1))
        done
        kill "$BATON_AZURITE_PID" 2>/dev/null
        wait "$BATON_AZURITE_PID" 2>/dev/null
    done

    cat "$BATON_AZURITE_LOG" >&2
    return 1
}

stop_azurite() {
    if [ -z "${BATON_AZURITE_PID:-}" ]; then
        return 0
    fi

    kill "$BATON_AZURITE_PID" 2>/dev/null
    wait "$BATON_AZURITE_PID" 2>/dev/null
    rm -f "$BATON_AZURITE_LOG"
    echo "azurite: stopped (pid $BATON_AZURITE_PID)"
    unset BATON_AZURITE_PID BATON_AZURITE_LOG BATON_TEST_AZURE
}
