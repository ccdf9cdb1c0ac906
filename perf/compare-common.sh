# Shared by perf/compare-csc.sh and perf/compare-warm.sh (sourced, not run): reads their arguments
#   <other>/NnAnalyzers.dll [rounds=$default_rounds] [NnCode|NnBugs|NoNnSigns] [/tmp/bc]
# into root, other, rounds, project and dir, builds this tree's analyzers and sets this to their assembly.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
other="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
rounds="${2:-$default_rounds}"
project="${3:-NnCode}"
dir="${4:-/tmp/bc}"
build_cost_missing() { # what: the build-cost output a comparison needs is not there
  echo "no $1: run BUILD_COST_DIR=$dir bash perf/build-cost.sh first" >&2
  exit 1
}
dotnet build "$root/src/NnAnalyzers" -c Release -v:q -nologo >/dev/null
this="$root/src/NnAnalyzers/bin/Release/netstandard2.0/NnAnalyzers.dll"
