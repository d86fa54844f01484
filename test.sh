#!/usr/bin/env bash
# Runs every test. Starts what the tests need and the machine lacks (a throwaway PostgreSQL server on 127.0.0.1,
# installed from Debian if missing; Azurite, the Azure Storage emulator, and the Durable Functions Node.js client, from
# npm at pinned versions; Debian's Chromium for the dashboard's browser tests), runs `dotnet test` with any arguments
# given, and stops what it started.
set -uo pipefail
cd "$(dirname "$0")"

# shellcheck source=scripts/node-client.sh
source scripts/node-client.sh
install_node_client || { echo "test.sh: could not install the Durable Functions client suite's packages" >&2; exit 1; }

# shellcheck source=scripts/chromium.sh
source scripts/chromium.sh
install_chromium || { echo "test.sh: could not install Chromium" >&2; exit 1; }

# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
start_postgres || { echo "test.sh: could not start PostgreSQL" >&2; exit 1; }
trap stop_postgres EXIT

# shellcheck source=scripts/azurite.sh
source scripts/azurite.sh
start_azurite || { echo "test.sh: could not start Azurite" >&2; exit 1; }
trap 'stop_azurite; stop_postgres' EXIT

dotnet test "$@"
