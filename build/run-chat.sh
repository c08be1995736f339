#!/usr/bin/env bash
# Runs samples/Chat.
#   build/run-chat.sh          one node on http://127.0.0.1:5000 with the in-memory group layer
#   build/run-chat.sh --nats   a local nats-server with JetStream (started if none answers on 127.0.0.1:4222; its
#                              store in artifacts/nats-store) and two nodes, http://127.0.0.1:5000 and
#                              http://127.0.0.1:5001, sharing it as their group layer; each serves /healthz
#   build/run-chat.sh --cluster three clustered nats-servers with JetStream, a local PostgreSQL and three nodes on
#                              http://127.0.0.1:5000, 5001 and 5002 (see build/chat-cluster.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build/run-chat.sh: the .NET SDK (dotnet, 10.0) is not on PATH; install it first" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build samples/Chat -c Release -nologo -clp:ErrorsOnly

if [ "${1:-}" = "--cluster" ]; then
  exec build/chat-cluster.sh
fi

if [ "${1:-}" != "--nats" ]; then
  exec dotnet run --project samples/Chat -c Release --no-build --urls http://127.0.0.1:5000 "$@"
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if ! (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then
  if ! command -v nats-server >/dev/null 2>&1; then
    echo "build/run-chat.sh: installing nats-server"
    if [ "$(id -u)" -ne 0 ]; then echo "build/run-chat.sh: need root for apt-get install -y nats-server" >&2; exit 1; fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
  fi
  # JetStream (-js) with a file store that outlives a restart: the nodes replay group messages missed in an outage.
  mkdir -p artifacts/nats-store
  nats-server -js -sd artifacts/nats-store -a 127.0.0.1 -p 4222 &
  pids+=($!)
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null && break; sleep 0.1; done
fi

export Consumers__GroupLayer=Nats Consumers__Nats__Url=nats://127.0.0.1:4222
for port in 5000 5001; do
  dotnet run --project samples/Chat -c Release --no-build --urls "http://127.0.0.1:$port" &
  pids+=($!)
done
echo "build/run-chat.sh: two chat nodes on http://127.0.0.1:5000 and http://127.0.0.1:5001 over NATS; Ctrl+C stops all"
wait -n
