#!/usr/bin/env bash
# Chromium for the dashboard's browser tests: sourced, it defines install_chromium, which installs Debian's chromium when
# it is missing and exports BATON_CHROMIUM, the path the tests launch it from (through Playwright).

install_chromium() {
    if ! command -v chromium >/dev/null; then
        echo "chromium: not installed; installing it from Debian"
        if [ "$(id -u)" -ne 0 ]; then
            echo "chromium: installing needs root (apt-get install chromium); install it" >&2
            return 1
        fi
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || return 1
    fi

    BATON_CHROMIUM="$(command -v chromium)"
    export BATON_CHROMIUM
}
