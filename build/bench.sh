#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them; writes bench/RESULTS-<name>.md, and bench/RESULTS.md
# (dispatch + fan-out, with links to the NATS and stream results) after a run that includes both.
#   build/bench.sh            every benchmark: dispatch, fanout, groupsend, nats, stream
#   build/bench.sh dispatch   BenchmarkDotNet: one request parse → bind → invoke → reply, Consumers vs SignalR vs floor
#   build/bench.sh fanout     chat rooms: Consumers (plain and consumers.batch clients) vs SignalR vs raw Kestrel broadcaster,
#                             servers as separate processes, the four loads of issue 10 (about 12 minutes; --quick: about 2)
#   build/bench.sh groupsend  BenchmarkDotNet: one group send to 1 and 20 local members, allocations per delivery
#   build/bench.sh nats       NATS client throughput and round trips, group send NATS vs in-memory
#   build/bench.sh stream     streaming actions vs SignalR's streaming hub methods (items/s and server CPU per item, four
#                             loads, servers as separate processes), and a quick request beside a running 10 s concurrent
#                             action (issue 24; about 9 minutes; --quick: about 1.5; --items N per call, --rounds N)
#   build/bench.sh resume     consumers.resume (issue 25): server CPU per delivery with vs without the subprotocol, same
#                             server and run (two fan-out loads, 3 rounds), and resume latency p50/p99 (300 resumes;
#                             about 6 minutes; --quick: about 1; --pin [CORE]: the server on one core, the load tool on
#                             the others, written to bench/RESULTS-resume-pinned.md)
#   build/bench.sh cluster    two app nodes, each room's clients spread over both: Consumers over NATS (nats-server -js) vs
#                             SignalR over its Redis backplane (redis-server, installed with apt-get when missing); msg/s,
#                             CPU per delivery of both nodes + the broker, p99, beside the floor (raw Kestrel broadcasters
#                             relaying through core NATS) (about 20 minutes; --quick: about 5; --rounds N, --loads TEXT,
#                             --seconds N, --targets consumers,signalr,raw); written to bench/RESULTS-cluster.md
#   build/bench.sh fanout --pin [CORE]   the same with each server process on one core (CORE, by default the last) and
#                             the load tool on the others, both through taskset -c (util-linux) so that each .NET runtime
#                             sees only its own cores; written to bench/RESULTS-fanout-pinned.md (needs 2 cores or more)
#   build/bench.sh [name] --quick   a short run to check it works (bench/RESULTS-<name>-quick.md, RESULTS-quick.md;
#                             pinned: RESULTS-fanout-pinned-quick.md)
# Exits non-zero on any build or run error.
set -euo pipefail
cd "$(dirname "$0")/.."

all=(dispatch fanout groupsend nats stream)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build/bench.sh: the .NET SDK (dotnet, 10.0) is not on PATH; install it first" >&2
  exit 1
fi

if [ $# -gt 0 ] && [[ "$1" != --* ]]; then
  names=("$1")
  shift
else
  names=("${all[@]}")
fi

pin=false
for arg in "$@"; do [ "$arg" = "--pin" ] && pin=true; done
if $pin; then
  if [ "${names[*]}" != fanout ] && [ "${names[*]}" != resume ]; then
    echo "build/bench.sh: --pin applies to the fanout and resume benchmarks only: build/bench.sh fanout --pin" >&2
    exit 2
  fi
  if ! command -v taskset >/dev/null 2>&1; then
    echo "build/bench.sh: --pin starts the processes through taskset, which is not on PATH: install util-linux (apt-get install -y util-linux)" >&2
    exit 1
  fi
fi

for name in "${names[@]}"; do
  case "$name" in
    dispatch|fanout|groupsend|stream|resume)
      ;;
    nats)
      if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
        echo "build/bench.sh: nats-server not found: install it with apt-get install -y nats-server" >&2
        exit 1
      fi
      ;;
    cluster)
      missing=()
      command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
      [ -x /usr/bin/redis-server ] || [ -x /usr/local/bin/redis-server ] || missing+=(redis-server)
      if ((${#missing[@]})); then
        echo "build/bench.sh: installing ${missing[*]}" >&2
        if [ "$(id -u)" -ne 0 ]; then
          echo "build/bench.sh: need root to run apt-get install -y ${missing[*]}" >&2
          exit 1
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        # A redis service the package may start (port 6379) is not used: each run starts its own on a free port.
      fi
      ;;
    *)
      echo "build/bench.sh: unknown benchmark '$name' (known: ${all[*]} resume)" >&2
      exit 2
      ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build bench/Consumers.Benchmarks/Consumers.Benchmarks.csproj -c Release -warnaserror -nologo -clp:ErrorsOnly

for name in "${names[@]}"; do
  echo "== $name" >&2
  CONSUMERS_BENCH_COMMAND="build/bench.sh $name${*:+ $*}" \
    dotnet run -c Release --no-build --project bench/Consumers.Benchmarks -- "$name" "$@"
done

# RESULTS.md: the dispatch and fan-out results of this run, side by side, and where the NATS results are (the unpinned
# fan-out results; a --pin run leaves it as it is).
suffix=""
for arg in "$@"; do [ "$arg" = "--quick" ] && suffix="-quick"; done
if ! $pin && [ -f "bench/RESULTS-dispatch$suffix.md" ] && [ -f "bench/RESULTS-fanout$suffix.md" ]; then
  {
    echo "# Benchmark results (issue 7: dispatch and fan-out)"
    echo
    echo "Generated by \`build/bench.sh\` from bench/RESULTS-dispatch$suffix.md and bench/RESULTS-fanout$suffix.md;"
    echo "the NATS benchmark's results are in [RESULTS-nats.md](RESULTS-nats.md), the streaming and concurrent-action"
    echo "benchmark's (issue 24) in [RESULTS-stream.md](RESULTS-stream.md)."
    echo
    cat "bench/RESULTS-dispatch$suffix.md"
    echo
    cat "bench/RESULTS-fanout$suffix.md"
  } > "bench/RESULTS$suffix.md"
  echo "written to bench/RESULTS$suffix.md" >&2
fi
