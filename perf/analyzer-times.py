"""One compiler run's analyzer times (the /reportanalyzer table in a csc output or a -v:d build log), for the
side-by-side scripts: prints "<variant> <ours> <sdk>" to stdout (collected) and a table row to stderr (shown).
    python3 perf/analyzer-times.py <log> <round> <A|B>
    python3 perf/analyzer-times.py --medians <rows>"""
import re
import statistics
import sys

if sys.argv[1] == "--medians":
    rows = [l.split() for l in open(sys.argv[2])]
    for v, label in (("A", "other (A)"), ("B", "this (B)")):
        ours = [float(r[1]) for r in rows if r[0] == v]
        ratios = [float(r[1]) / float(r[2]) for r in rows if r[0] == v]
        print(f"| median | {label} | {statistics.median(ours):.3f} | | {100 * statistics.median(ratios):.1f} % |")
    sys.exit(0)

text, i, v = open(sys.argv[1], errors="replace").read(), sys.argv[2], sys.argv[3]
per = {}
for secs, asm in re.findall(r"^\s*(<?[\d.]+)\s+<?\d+\s+([A-Za-z][\w.]*), Version=", text, re.M):
    per[asm] = per.get(asm, 0.0) + (0.0 if secs.startswith("<") else float(secs))
ours = per.get("NnAnalyzers", float("nan"))
sdk = sum(t for a, t in per.items() if "NetAnalyzers" in a)
print(f"{v} {ours} {sdk}")
label = "other (A)" if v == "A" else "this (B)"
print(f"| {i} | {label} | {ours:.3f} | {sdk:.3f} | {100 * ours / sdk:.1f} % |", file=sys.stderr)
