#!/usr/bin/env bash
# Build cost of our analyzers, beside the SDK's own: builds generated projects (2 000 files with NN code, 2 000 files
# without NN signs) and the whole solution with -p:ReportAnalyzer=true -v:d, then prints each analyzer assembly's
# share of the total analyzer time and of the build time.
#   bash perf/build-cost.sh [files]      (default 2000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
files="${1:-2000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

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

report() { # label log
  python3 - "$1" "$2" <<'PY'
import re, sys
label, log = sys.argv[1], open(sys.argv[2], errors="replace").read()
build = re.findall(r"Time Elapsed (\d+):(\d+):(\d+(?:\.\d+)?)", log)
build_s = sum(int(h) * 3600 + int(m) * 60 + float(s) for h, m, s in build[-1:]) if build else float("nan")
total = sum(float(x) for x in re.findall(r"Total analyzer execution time: ([\d.]+) seconds", log))
per = {}
# Lines look like: "   0.123   12   Microsoft.CodeAnalysis.NetAnalyzers, Version=..." (time, %, assembly)
for secs, pct, asm in re.findall(r"^\s*(<?[\d.]+)\s+(<?\d+)\s+([A-Za-z][\w.]*), Version=", log, re.M):
    per[asm] = per.get(asm, 0.0) + (0.0 if secs.startswith("<") else float(secs))
ours = per.get("NnAnalyzers", 0.0)
sdk = sum(v for k, v in per.items() if k != "NnAnalyzers")
print(f"| {label} | {build_s:.1f} | {total:.3f} | {sdk:.3f} | {ours:.3f} | {100*ours/build_s if build_s else float('nan'):.2f} % | {100*ours/sdk if sdk else float('nan'):.2f} % |")
PY
}

make_project NnCode CorrectNn
make_project NnBugs Triggering
make_project NoNnSigns NoNnSigns

echo "files per generated project: $files"
echo "| build | build s | analyzer s (all) | SDK analyzers s | NnAnalyzers s | ours / build | ours / SDK analyzers |"
echo "|---|---|---|---|---|---|---|"
for p in NoNnSigns NnCode NnBugs; do
  (cd "$work/$p" && dotnet restore -v:q -nologo >/dev/null && dotnet build --no-restore --no-incremental -p:ReportAnalyzer=true -p:UseSharedCompilation=false -v:d -nologo > "$work/$p.log" 2>&1) || { tail -20 "$work/$p.log"; exit 1; }
  report "$p ($files files)" "$work/$p.log"
done
(cd "$root" && dotnet build NnAnalyzers.sln --no-incremental -p:ReportAnalyzer=true -p:UseSharedCompilation=false -v:d -nologo > "$work/sln.log" 2>&1) || { tail -20 "$work/sln.log"; exit 1; }
report "NnAnalyzers.sln (all projects)" "$work/sln.log"
