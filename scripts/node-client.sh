#!/usr/bin/env bash
# The Durable Functions Node.js client suite's packages: sourced, it defines install_node_client, which installs Node.js
# and npm from Debian when they are missing and then the suite's npm packages, at the versions its package-lock.json pins,
# into tests/durable-functions-client/node_modules (once; a later run finds them there).

# shellcheck source=scripts/node.sh
source scripts/node.sh

install_node_client() {
    local suite=tests/durable-functions-client
    install_node node || return 1

    if [ ! -d "$suite/node_modules/durable-functions" ]; then
        (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    fi
}
