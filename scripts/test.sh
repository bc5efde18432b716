#!/usr/bin/env bash
# Runs every test: installs the pinned Azurite from npm if it is not there yet (the tests start their own
# Azurite on free loopback ports), builds the deployable package (its layout and the unzipped handler are
# tested too), then runs the .NET test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
./scripts/package.sh
dotnet test XQueue.sln -c Release "$@"
