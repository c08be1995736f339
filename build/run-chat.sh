#!/usr/bin/env bash
# Runs samples/Chat on http://127.0.0.1:5000 with the in-memory group layer.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build/run-chat.sh: the .NET SDK (dotnet, 10.0) is not on PATH; install it first" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build samples/Chat -c Release -nologo -clp:ErrorsOnly
exec dotnet run --project samples/Chat -c Release --no-build --urls http://127.0.0.1:5000 "$@"
