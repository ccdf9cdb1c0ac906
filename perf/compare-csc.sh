#!/usr/bin/env bash
# Another build of our analyzers against this one inside the compiler itself: each run is a fresh csc process with the
# build's own arguments (what the first project of a CI build pays: our code JIT-compiled and run at tier 0 inside the
# measured callbacks), alternating the other build (A) and this one (B), so that a noisy machine slows both alike.
# Prints our time, the SDK analyzers' time and the ratio per run, then the medians.
#   BUILD_COST_DIR=/tmp/bc BUILD_COST_PROJECTS="NnCode NnBugs" bash perf/build-cost.sh   (once: projects and build logs)
#   bash perf/compare-csc.sh <other>/NnAnalyzers.dll [rounds=3] [NnCode|NnBugs|NoNnSigns] [/tmp/bc]
# An older build: git worktree add /tmp/base <commit> && dotnet build /tmp/base/src/NnAnalyzers -c Release
default_rounds=3
source "$(dirname "$0")/compare-common.sh"
log="$dir/$project.log"
[ -f "$log" ] || build_cost_missing "build log $log"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/A" "$work/B"
cp "$other" "$work/A/NnAnalyzers.dll"   # the loader wants the file named after the assembly
cp "$this" "$work/B/NnAnalyzers.dll"

# The compiler's command line as the build logged it, one argument per line, our analyzer replaced by each copy.
csc="$(python3 - "$log" "$work" <<'PY'
import shlex, sys
log, work = sys.argv[1], sys.argv[2]
line = next(l for l in open(log, errors="replace") if "/Roslyn/bincore/csc " in l and "/noconfig" in l)
args = shlex.split(line.strip())
tool, rest = args[0], args[1:]
for v in ("A", "B"):
    with open(f"{work}/{v}.rsp", "w") as rsp:
        for a in rest:
            if a.startswith("/analyzer:") and a.endswith("/NnAnalyzers.dll"):
                a = f"/analyzer:{work}/{v}/NnAnalyzers.dll"
            rsp.write(('"' + a + '"' if " " in a else a) + "\n")
print(tool)
PY
)"

echo "| run | build | NnAnalyzers s | SDK analyzers s | ours / SDK analyzers |"
echo "|---|---|---|---|---|"
for i in $(seq 1 "$rounds"); do
  for v in A B; do
    (cd "$dir/$project" && "$csc" "@$work/$v.rsp" /reportanalyzer > "$work/$v.$i.out" 2>&1) || true
    python3 "$root/perf/analyzer-times.py" "$work/$v.$i.out" "$i" "$v" >> "$work/rows"
  done
done 2>&1
python3 "$root/perf/analyzer-times.py" --medians "$work/rows"
