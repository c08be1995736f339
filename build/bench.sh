#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them; writes bench/RESULTS-<name>.md.
#   build/bench.sh            every benchmark that exists (today: nats)
#   build/bench.sh nats       NATS client throughput and round trips, group send NATS vs in-memory
#   build/bench.sh nats --quick   a short run to check it works (bench/RESULTS-nats-quick.md)
# Exits non-zero on any build or run error.
set -euo pipefail
cd "$(dirname "$0")/.."

all=(nats)

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

for name in "${names[@]}"; do
  case "$name" in
    nats)
      if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
        echo "build/bench.sh: nats-server not found: install it with apt-get install -y nats-server" >&2
        exit 1
      fi
      ;;
    *)
      echo "build/bench.sh: unknown benchmark '$name' (known: ${all[*]})" >&2
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
