#!/usr/bin/env bash
# Another build of our analyzers against this one in the warm compiler server (what every later project of a CI build
# and every local build pays: the analyzers loaded and their code tiered up by earlier builds). Two copies of a
# generated project, each pointing at one build of the analyzer, are built once each to warm the server, then built
# alternately; prints our time, the SDK analyzers' time and the ratio per build, then the medians.
#   BUILD_COST_DIR=/tmp/bc BUILD_COST_PROJECTS="NnCode" bash perf/build-cost.sh   (once: the generated project)
#   bash perf/compare-warm.sh <other>/NnAnalyzers.dll [rounds=4] [NnCode|NnBugs|NoNnSigns] [/tmp/bc]
# The complement of perf/compare-csc.sh (a fresh compiler per run): a change can help one and cost the other.
default_rounds=4
source "$(dirname "$0")/compare-common.sh"
[ -f "$dir/$project/$project.csproj" ] || build_cost_missing "project $dir/$project"
work="$(mktemp -d)"; trap 'dotnet build-server shutdown >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
for v in A B; do
  mkdir -p "$work/dll$v"
  cp -r "$dir/$project" "$work/$v"
  sed -i "s|<Analyzer Include=\"[^\"]*\"|<Analyzer Include=\"$work/dll$v/NnAnalyzers.dll\"|" "$work/$v/$project.csproj"
done
cp "$other" "$work/dllA/NnAnalyzers.dll"   # the loader wants the file named after the assembly
cp "$this" "$work/dllB/NnAnalyzers.dll"

build() { # variant label
  (cd "$work/$1" && dotnet build --no-restore --no-incremental -p:ReportAnalyzer=true -p:UseSharedCompilation=true -v:d -nologo > "$work/$1.$2.log" 2>&1) \
    || { tail -20 "$work/$1.$2.log"; exit 1; }
}

dotnet build-server shutdown >/dev/null 2>&1 || true
for warm in 1 2; do build A "warm$warm"; build B "warm$warm"; done

echo "| run | build | NnAnalyzers s | SDK analyzers s | ours / SDK analyzers |"
echo "|---|---|---|---|---|"
for i in $(seq 1 "$rounds"); do
  for v in A B; do
    build "$v" "$i"
    python3 "$root/perf/analyzer-times.py" "$work/$v.$i.log" "$i" "$v" >> "$work/rows"
  done
done 2>&1
python3 "$root/perf/analyzer-times.py" --medians "$work/rows"
