#!/usr/bin/env bash
# Node.js and npm for the scripts that install npm packages: sourced, it defines install_node, which installs them from
# Debian when they are missing (as root), and otherwise says what to install. $1 names the caller in its messages.

install_node() {
    local who=$1
    if command -v npm >/dev/null; then
        return 0
    fi

    echo "$who: node is not installed; installing it from Debian"
    if [ "$(id -u)" -ne 0 ]; then
        echo "$who: installing needs root (apt-get install nodejs npm); install them" >&2
        return 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}
