#!/usr/bin/env bash
# Runs every test: installs the pinned Azurite from npm if it is not there yet (the tests start
# their own Azurite on free loopback ports), then the .NET test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
dotnet test XQueue.sln -c Release "$@"
