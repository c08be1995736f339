#!/usr/bin/env bash
# build/run-chat.sh --cluster: the chat as it runs on several machines, all on this one.
#   - three nats-servers in one cluster with JetStream (client ports 4222, 4223, 4224; routes 6222-6224; monitoring
#     8222-8224; stores in artifacts/cluster/nats/n1..n3); the chat's stream is kept on all three (StreamReplicas=3)
#   - PostgreSQL on 127.0.0.1:55432 (initdb into artifacts/cluster/postgres as the postgres user; no system service)
#   - three chat nodes on http://127.0.0.1:5000, 5001 and 5002, node i on NATS server i first (ServersInOrder), the
#     two others next in its list, all on the one database (data-protection keys and the token key in it)
# Installs nats-server and postgresql with apt-get when missing. Ctrl+C stops everything; the data stays in
# artifacts/cluster (delete the folder to start afresh). Expects to be run from the repository root with the chat built.
set -euo pipefail

SECONDS=0
base=artifacts/cluster
pg_port=55432
nats_ports=(4222 4223 4224)
route_ports=(6222 6223 6224)
monitor_ports=(8222 8223 8224)
chat_ports=(5000 5001 5002)

say() { echo "build/run-chat.sh: $*"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_get() {   # port path: the body of a plain HTTP GET on 127.0.0.1 (no curl needed)
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  sed '1,/^\r$/d' <&3
  exec 3>&-
}

# What to install: nats-server, and PostgreSQL's server binaries (on PATH or in Debian's /usr/lib/postgresql/*/bin).
pg_bin() {
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  local found; found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}
missing=()
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
[ -n "$(pg_bin)" ] || missing+=(postgresql)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then say "need root for apt-get install -y ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
pgbin=$(pg_bin)

for port in "${nats_ports[@]}" "${route_ports[@]}" "${monitor_ports[@]}" "$pg_port" "${chat_ports[@]}"; do
  if listening "$port"; then say "port $port is taken (another run?): stop what listens there first" >&2; exit 1; fi
done

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# PostgreSQL: initdb refuses to run as root, so as root the folder belongs to the postgres user and the server runs as it.
mkdir -p "$base"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  mkdir -p "$base/postgres" && chown postgres:postgres "$base/postgres"
fi
if [ ! -f "$base/postgres/data/PG_VERSION" ]; then
  mkdir -p "$base/postgres"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$base/postgres"
  "${as_pg[@]}" "$pgbin/initdb" -D "$base/postgres/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
fi
"${as_pg[@]}" "$pgbin/postgres" -D "$base/postgres/data" -p "$pg_port" -h 127.0.0.1 -k "$PWD/$base/postgres" >"$base/postgres.log" 2>&1 &
pids+=($!)

# NATS: each server routes to the other two; JetStream's file store per server.
for i in 0 1 2; do
  routes=$(for j in 0 1 2; do if [ "$j" != "$i" ]; then printf 'nats://127.0.0.1:%s,' "${route_ports[$j]}"; fi; done)
  mkdir -p "$base/nats/n$((i + 1))"
  nats-server -n "n$((i + 1))" -a 127.0.0.1 -p "${nats_ports[$i]}" -m "${monitor_ports[$i]}" \
    --cluster "nats://127.0.0.1:${route_ports[$i]}" --cluster_name chat --routes "${routes%,}" \
    -js -sd "$base/nats/n$((i + 1))" >"$base/nats-n$((i + 1)).log" 2>&1 &
  pids+=($!)
done

# Ready: PostgreSQL answers (then the chat's database exists), every NATS server sees a JetStream meta leader (a
# stream with three replicas can be made only then).
for _ in $(seq 300); do "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.1; done
"$pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" || { say "PostgreSQL did not start: see $base/postgres.log" >&2; exit 1; }
if ! "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'chat'" | grep -q 1; then
  "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres chat
fi
for i in 0 1 2; do
  for _ in $(seq 300); do
    http_get "${monitor_ports[$i]}" /jsz 2>/dev/null | grep -q '"leader": *"n' && break
    sleep 0.1
  done
  http_get "${monitor_ports[$i]}" /jsz 2>/dev/null | grep -q '"leader": *"n' \
    || { say "NATS server n$((i + 1)) has no JetStream leader: see $base/nats-n$((i + 1)).log" >&2; exit 1; }
done

# The chat nodes: the built app itself (its PID is the node), content root samples/Chat.
export ConnectionStrings__Chat="Host=127.0.0.1;Port=$pg_port;Database=chat;Username=postgres"
export Consumers__GroupLayer=Nats Consumers__Nats__ServersInOrder=true Consumers__Nats__StreamReplicas=3
app="$PWD/samples/Chat/bin/Release/net10.0/Chat.dll"
for i in 0 1 2; do
  urls=$(for k in 0 1 2; do printf 'nats://127.0.0.1:%s,' "${nats_ports[$(((i + k) % 3))]}"; done)
  (cd samples/Chat && Consumers__Nats__Url="${urls%,}" exec dotnet "$app" --urls "http://127.0.0.1:${chat_ports[$i]}") &
  pids+=($!)
done
for port in "${chat_ports[@]}"; do
  for _ in $(seq 600); do http_get "$port" /healthz 2>/dev/null | grep -q Healthy && break; sleep 0.1; done
  http_get "$port" /healthz 2>/dev/null | grep -q Healthy || { say "the chat node on $port is not healthy" >&2; exit 1; }
done

say "ready in ${SECONDS} s after the build: chat nodes on http://127.0.0.1:5000, 5001, 5002 (PIDs ${pids[*]:4:3}),"
say "NATS servers n1-n3 on 4222-4224 (PIDs ${pids[*]:1:3}; kill one to watch its node move on), PostgreSQL on"
say "127.0.0.1:$pg_port (PID ${pids[0]}). Ctrl+C stops all."
wait
