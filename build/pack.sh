#!/usr/bin/env bash
# Packs every shipped package into artifacts/packages (emptied first), at the version in Directory.Build.props:
#   Consumers, Consumers.Nats, Consumers.EntityFrameworkCore, Consumers.Testing (src/*/ with <IsPackable>true</IsPackable>)
#   and Consumers.Templates (templates/).
# Then, for as long as the packages are not on a public feed, add the folder as a package source once:
#   dotnet nuget add source "$PWD/artifacts/packages" --name consumers
#   build/pack.sh                 build Release and pack
#   build/pack.sh --no-build      pack the Release build that is there (as the package tests do)
#   build/pack.sh -o DIR          into DIR instead
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

out=artifacts/packages
build=1
while (($#)); do
  case "$1" in
    --no-build) build=0 ;;
    -o|--output) out=${2:?"build/pack.sh: -o needs a folder"}; shift ;;
    *) echo "build/pack.sh: unknown argument '$1' (use --no-build, -o DIR)" >&2; exit 2 ;;
  esac
  shift
done

projects=()
for csproj in src/*/*.csproj; do
  if grep -q '<IsPackable>true</IsPackable>' "$csproj"; then
    projects+=("$csproj")
  fi
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.nupkg

if ((build)); then
  for csproj in "${projects[@]}"; do
    dotnet build "$csproj" -c Release -nologo -clp:ErrorsOnly
  done
fi

for csproj in "${projects[@]}"; do
  dotnet pack "$csproj" -c Release --no-build -nologo -clp:ErrorsOnly -o "$out"
done
# The templates package has nothing to compile; packing builds it (and restores it) in a few seconds.
dotnet pack templates/Consumers.Templates.csproj -c Release -nologo -clp:ErrorsOnly -o "$out"

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
echo "build/pack.sh: $(ls "$out"/*.nupkg | wc -l) packages (version $version) in $out"
ls "$out"/*.nupkg | sed 's:.*/:  :'
