#!/usr/bin/env bash
# Rewrites the PublicAPI.Unshipped.txt of every shipped project (src/*/ with <IsPackable>true</IsPackable>) from the
# code: each file is emptied to its "#nullable enable" header, then the PublicApiAnalyzers' code fix for RS0016
# ("symbol is not part of the declared public API") adds every public symbol that PublicAPI.Shipped.txt lacks.
# Members that were removed disappear with the old lines; the order is made stable by sorting.
# Then the projects are built with warnings as errors, so that anything the fix cannot settle (RS0017: a member listed
# in PublicAPI.Shipped.txt was removed) fails here with the analyzer's message.
#   build/public-api.sh            all shipped projects
#   build/public-api.sh src/X      only these
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

projects=()
if (($#)); then
  for dir in "$@"; do
    projects+=("$(ls "${dir%/}"/*.csproj)")
  done
else
  for csproj in src/*/*.csproj; do
    if grep -q '<IsPackable>true</IsPackable>' "$csproj"; then
      projects+=("$csproj")
    fi
  done
fi

for csproj in "${projects[@]}"; do
  dir=$(dirname "$csproj")
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' >"$dir/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' >"$dir/PublicAPI.Unshipped.txt"
done

for csproj in "${projects[@]}"; do
  dir=$(dirname "$csproj")
  echo "public-api: $dir"
  dotnet restore "$csproj" --nologo -v quiet >/dev/null
  # RS0016's fix, applied to the whole project; the analyzer reads the files as they are now (header only).
  dotnet format analyzers "$csproj" --no-restore --diagnostics RS0016 --severity info
  file="$dir/PublicAPI.Unshipped.txt"
  { printf '#nullable enable\n'; grep -v -e '^#nullable enable$' -e '^$' "$file" | LC_ALL=C sort -u; } >"$file.tmp"
  mv "$file.tmp" "$file"
  echo "public-api: $(($(wc -l <"$file") - 1)) entries in $file"
done

for csproj in "${projects[@]}"; do
  dotnet build "$csproj" -c Release -warnaserror -nologo -clp:ErrorsOnly
done
