#!/usr/bin/env bash
# Installs what the tests need, builds Release, runs every test project, and prints
#   tests: N passed, N failed[, N skipped]
# from the test runs' TRX results. Exits non-zero on any build error or failing test.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build/test.sh: the .NET SDK (dotnet, 10.0) is not on PATH; install it first" >&2
  exit 1
fi

# System packages the suites drive for real: nats-server (the NATS client and group layer tests), chromium
# (the chat sample's browser tests, through Playwright with chromium's ExecutablePath) and postgresql (the chat and
# observer tests' PostgreSQL fixtures run initdb and postgres themselves, from PATH or /usr/lib/postgresql/*/bin).
missing=()
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then missing+=(postgresql); fi
if ((${#missing[@]})); then
  echo "build/test.sh: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "build/test.sh: need root to run apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

dotnet build Consumers.sln -c Release -warnaserror -nologo -clp:ErrorsOnly

# One project at a time: the machine has two cores, and the browser and NATS suites start their own servers.
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

passed=0; failed=0; skipped=0; found=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  found=$((found + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

project_count=$(ls tests/*/*.csproj | wc -l)
if [ "$found" -ne "$project_count" ]; then
  echo "build/test.sh: expected $project_count TRX result files, found $found (a test run crashed)" >&2
  status=1
fi
if [ "$passed" -eq 0 ]; then
  echo "build/test.sh: no test passed" >&2
  status=1
fi

if [ "$skipped" -gt 0 ]; then
  echo "tests: $passed passed, $failed failed, $skipped skipped"
else
  echo "tests: $passed passed, $failed failed"
fi
if [ "$failed" -gt 0 ]; then status=1; fi
exit $status
