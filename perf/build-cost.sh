#!/usr/bin/env bash
# Build cost of our analyzers, beside the SDK's own: builds generated projects (2 000 files with NN code, 2 000 files
# without NN signs) and the whole solution with -p:ReportAnalyzer=true -v:d, then prints each analyzer assembly's
# share of the total analyzer time and of the build time.
#   bash perf/build-cost.sh [files]      (default 2000)
#   BUILD_COST_DIR=/tmp/bc bash perf/build-cost.sh   keeps the generated projects and build logs there
#   BUILD_COST_PROJECTS="NnCode" bash perf/build-cost.sh   measures only those (NoNnSigns NnCode NnBugs sln)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
files="${1:-2000}"
if [ -n "${BUILD_COST_DIR:-}" ]; then
  work="$BUILD_COST_DIR"; rm -rf "$work"; mkdir -p "$work"   # kept: the build logs hold the per-rule figures
else
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fi

dotnet build "$root/src/NnAnalyzers" -c Release -v:q -nologo >/dev/null
analyzer="$root/src/NnAnalyzers/bin/Release/netstandard2.0/NnAnalyzers.dll"

make_project() { # name kind
  local dir="$work/$1"
  mkdir -p "$dir"
  dotnet run -c Release --project "$root/perf/NnAnalyzers.Benchmarks" -- generate "$2" "$files" "$dir/src" >/dev/null
  cat > "$dir/$1.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>disable</Nullable>
    <AnalysisLevel>latest-recommended</AnalysisLevel>
    <NoWarn>\$(NoWarn);NU1603;CA1050;CA1822;CA1305;CA1307;CA1310;CA1852</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="MathNet.Numerics" Version="5.0.0" />
    <Analyzer Include="$analyzer" />
  </ItemGroup>
</Project>
XML
}

report() { # label log [log...]: several logs are summed (builds measured one after another, read as one)
  python3 - "$@" <<'PY'
import re, sys
label, logs = sys.argv[1], sys.argv[2:]
build_s = total = 0.0
per = {}
for path in logs:
    log = open(path, errors="replace").read()
    build = re.findall(r"Time Elapsed (\d+):(\d+):(\d+(?:\.\d+)?)", log)
    build_s += sum(int(h) * 3600 + int(m) * 60 + float(s) for h, m, s in build[-1:]) if build else float("nan")
    total += sum(float(x) for x in re.findall(r"Total analyzer execution time: ([\d.]+) seconds", log))
    # Lines look like: "   0.123   12   Microsoft.CodeAnalysis.NetAnalyzers, Version=..." (time, %, assembly)
    for secs, pct, asm in re.findall(r"^\s*(<?[\d.]+)\s+(<?\d+)\s+([A-Za-z][\w.]*), Version=", log, re.M):
        per[asm] = per.get(asm, 0.0) + (0.0 if secs.startswith("<") else float(secs))
ours = per.get("NnAnalyzers", 0.0)
sdk = sum(v for k, v in per.items() if k != "NnAnalyzers")
print(f"| {label} | {build_s:.1f} | {total:.3f} | {sdk:.3f} | {ours:.3f} | {100*ours/build_s if build_s else float('nan'):.2f} % | {100*ours/sdk if sdk else float('nan'):.2f} % |")
PY
}

projects="${BUILD_COST_PROJECTS:-NoNnSigns NnCode NnBugs sln}"
wants() { case " $projects " in *" $1 "*) return 0;; *) return 1;; esac; }
wants NnCode && make_project NnCode CorrectNn
wants NnBugs && make_project NnBugs Triggering
wants NoNnSigns && make_project NoNnSigns NoNnSigns

# Two ways a build meets our analyzers: a fresh compiler process per build (UseSharedCompilation=false: CI's first
# project, every analyzer assembly loaded and JIT-compiled inside the measured callbacks), and the compiler server that
# `dotnet build` uses by default (the analyzers already loaded and compiled by an earlier build: every later project
# of a CI build, every build on a developer's machine). The server is warmed by one build of the same project first.
dotnet build-server shutdown >/dev/null 2>&1 || true
build() { # dir log shared
  (cd "$1" && dotnet build --no-restore --no-incremental -p:ReportAnalyzer=true -p:UseSharedCompilation=$3 -v:d -nologo > "$2" 2>&1) || { tail -20 "$2"; exit 1; }
}
echo "files per generated project: $files"
echo "| build | compiler | build s | analyzer s (all) | SDK analyzers s | NnAnalyzers s | ours / build | ours / SDK analyzers |"
echo "|---|---|---|---|---|---|---|---|"
for p in NoNnSigns NnCode NnBugs; do
  wants "$p" || continue
  (cd "$work/$p" && dotnet restore -v:q -nologo >/dev/null)
  build "$work/$p" "$work/$p.log" false
  report "$p ($files files) | fresh process" "$work/$p.log"
  build "$work/$p" "$work/$p.warmup.log" true
  build "$work/$p" "$work/$p.server.log" true
  report "$p ($files files) | server, warm" "$work/$p.server.log"
done
if wants sln; then
(cd "$root" && dotnet restore -v:q -nologo >/dev/null)
build "$root" "$work/sln.log" false
report "NnAnalyzers.sln (all projects) | fresh process" "$work/sln.log"
build "$root" "$work/sln.warmup.log" true
build "$root" "$work/sln.server.log" true
report "NnAnalyzers.sln (all projects) | server, warm" "$work/sln.server.log"
# The issue's "largest C# code we have": the solution and a generated NN project, summed over their two builds.
for p in NnCode NnBugs; do
  wants "$p" || continue
  report "NnAnalyzers.sln + $p | fresh process" "$work/sln.log" "$work/$p.log"
  report "NnAnalyzers.sln + $p | server, warm" "$work/sln.server.log" "$work/$p.server.log"
done
fi
dotnet build-server shutdown >/dev/null 2>&1 || true
