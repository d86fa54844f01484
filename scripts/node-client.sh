#!/usr/bin/env bash
# The Durable Functions Node.js client suite's packages: sourced, it defines install_node_client, which installs Node.js
# and npm from Debian when they are missing and then the suite's npm packages, at the versions its package-lock.json pins,
# into tests/durable-functions-client/node_modules (once; a later run finds them there).

install_node_client() {
    local suite=tests/durable-functions-client
    if ! command -v npm >/dev/null; then
        echo "node: not installed; installing it from Debian"
        if [ "$(id -u)" -ne 0 ]; then
            echo "node: installing needs root (apt-get install nodejs npm); install them" >&2
            return 1
        fi
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null || return 1
    fi

    if [ ! -d "$suite/node_modules/durable-functions" ]; then
        (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    fi
}
