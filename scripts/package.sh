#!/usr/bin/env bash
# Builds the deployable Functions package: artifacts/xqueue-functions.zip, the isolated worker's publish output
# (host.json, functions.metadata, worker.config.json, .azurefunctions/ and the app) for linux-x64 on the .NET 10
# that Flex Consumption's dotnet-isolated runtime provides: framework-dependent, ReadyToRun, invariant
# globalization. The unzipped folder also runs standalone (./XQueue.Functions --urls …) where .NET 10 is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts/app
rm -rf "$out" artifacts/xqueue-functions.zip
dotnet publish XQueue.Functions -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -p:InvariantGlobalization=true -p:DebugType=none -o "$out" --nologo -v quiet \
  -p:IntermediateOutputPath=obj/publish-package/ -p:OutputPath=bin/publish-package/  # own folders: other publishes' ReadyToRun outputs must not leak in
chmod +x "$out/XQueue.Functions"
# zip keeps the Unix mode bits, so the executable stays executable once unpacked.
(cd "$out" && zip -q -r -X ../xqueue-functions.zip .)
echo "artifacts/xqueue-functions.zip ($(du -h artifacts/xqueue-functions.zip | cut -f1))"
