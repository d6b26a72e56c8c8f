#!/usr/bin/env bash
# Macro benchmark: `leakguard scan` over a synthetic source tree, against `cat` of the same files.
#
#   bench/macro.sh [--size-mb N] [--seed S] [--profile P[,P]] [--corpus DIR] [--bin PATH]
#                  [--runs R]
#
# For each profile (default "ordinary,dense"; see bench/gen_corpus.py: `ordinary` is as dense in
# credential words and random values as the densest real trees measured, `dense` a stress test
# 4-900x denser), generates the corpus with bench/gen_corpus.py (default
# /tmp/leakguard-bench-corpus/corpus-<N>mb-s<S>[-ordinary], reused when its stamp says the same
# size/seed/profile/generator version; --corpus DIR: that one corpus), warms the page cache, then
# times R rounds (default 3) of each command in turn, wall clock via `date +%s.%N`:
#   cat        find DIR -type f | xargs cat > /dev/null     (the I/O + syscall floor)
#   scan -j1   leakguard scan DIR --threads 1 -f json -o FILE
#   scan -jN   leakguard scan DIR -f json -o FILE            (all cores)
#   startup    leakguard scan EMPTY-DIR -q -f json -o /dev/null
# and prints MB, the best and the median time of each with MB/s and the ratios to cat's best and
# median (taking turns, a slow phase of the machine falls on all commands alike). The JSON
# report of the single-thread run is compared with the corpus manifest (<corpus>.planted.tsv): a
# planted secret counts as found when a finding is on its file and line; findings on other lines
# are counted as "other findings".
# The rules database is compiled once before timing (cached in LEAKGUARD_CACHE_DIR), so the
# numbers are steady-state scans. Exit 0 unless something could not run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
# shellcheck source=bench/common.sh
source "$here/common.sh"
size_mb=300
lg_parse_args macro.sh "$@"
lg_find_bin macro.sh "$here/../build-bench/leakguard" "$here/../build/leakguard"

export LEAKGUARD_CACHE_DIR="${LEAKGUARD_CACHE_DIR:-/tmp/leakguard-bench-corpus/hs-cache}"
work="$(mktemp -d /tmp/leakguard-macro.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cores=$(nproc)
now() { date +%s.%N; }

cat_all() { find "$corpus" -type f -print0 | xargs -0 cat > /dev/null; }
scan_1() { "$bin" scan "$corpus" --threads 1 -f json -o "$work/scan1.json" 2> "$work/scan1.err"; }
scan_n() { "$bin" scan "$corpus" -f json -o "$work/scanN.json" 2> "$work/scanN.err"; }
scan_empty() { "$bin" scan "$work/empty" -q -f json -o /dev/null; }

# leakguard exits 1 when it finds secrets (expected here); 2 or more is a failure.
run_ok() {
  local rc=0
  "$@" || rc=$?
  if (( rc > 1 )); then
    echo "macro.sh: '$*' failed with exit code $rc" >&2
    cat "$work"/*.err >&2 2>/dev/null || true
    exit 1
  fi
}

# Wall time of one run of a function, in seconds, appended to the file $work/times.NAME.
time_one() {
  local t0 t1 d
  t0=$(now); run_ok "$1"; t1=$(now)
  d=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
  echo "  $1: ${d}s" >&2
  echo "$d" >> "$work/times.$1"
}
# "best median" of the times recorded for a function.
best_median() {
  sort -n "$work/times.$1" | awk '{a[NR] = $1} END {print a[1], a[int((NR + 1) / 2)]}'
}

# The rules database, compiled and cached once before any timing.
mkdir -p "$work/empty"
run_ok "$bin" scan "$work/empty" -q -f json -o /dev/null

# One profile's corpus: timings, then recall against its manifest.
bench_profile() {
profile="$1"
corpus="$given_corpus"
lg_ensure_corpus
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
files=$(find "$corpus" -type f | wc -l)
mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}')
echo
echo "== $(lg_corpus_label): $corpus: $files files, $mb MB; leakguard: $bin; cores: $cores;" \
  "$runs rounds"

# Warm-up: the page cache (cat twice). Then R rounds, each timing every command once.
cat_all; cat_all
rm -f "$work"/times.*
for ((round = 0; round < runs; round++)); do
  for f in scan_empty cat_all scan_1 scan_n; do time_one "$f"; done
done
read -r t_cat t_cat_med < <(best_median cat_all)

echo
printf '%-28s %7s %8s %8s %7s %9s %7s\n' "" "MB" "best s" "MB/s" "x cat" "median s" "x cat"
row() {
  local t tm
  read -r t tm < <(best_median "$2")
  awk -v name="$1" -v mb="$3" -v t="$t" -v tm="$tm" -v tc="$t_cat" -v tcm="$t_cat_med" \
    'BEGIN {printf "%-28s %7s %8.3f %8s %7s %9.3f %7s\n", name, mb, t,
            (mb == "" ? "" : sprintf("%.1f", mb / t)), (mb == "" ? "" : sprintf("%.2f", t / tc)),
            tm, (mb == "" ? "" : sprintf("%.2f", tm / tcm))}'
}
row "cat" cat_all "$mb"
row "leakguard scan --threads 1" scan_1 "$mb"
row "leakguard scan (${cores} cores)" scan_n "$mb"
row "startup (empty dir)" scan_empty ""
echo

if [[ -n "$manifest" ]]; then
python3 - "$corpus" "$manifest" "$work/scan1.json" "$work/scanN.json" <<'EOF'
import collections, json, os, sys

corpus, manifest, one, many = sys.argv[1:5]
planted = {}
with open(manifest, encoding="utf-8") as f:
    next(f)
    for line in f:
        path, ln, kind = line.rstrip("\n").split("\t")
        planted[(path, int(ln))] = kind

def load(p):
    with open(p, encoding="utf-8") as f:
        return json.load(f)["findings"]

def rel(path):
    path = os.path.normpath(path)
    root = os.path.normpath(corpus)
    return os.path.relpath(path, root) if os.path.isabs(path) or path.startswith(root) else path

findings = load(one)
at = collections.defaultdict(set)
reports = collections.Counter()
for fi in findings:
    at[(rel(fi["file"]), fi["line"])].add(fi["rule_id"])
    reports[(rel(fi["file"]), fi["line"], fi["rule_id"])] += 1

per_kind = collections.Counter(planted.values())
found_kind = collections.Counter()
exact_rule = 0
for key, kind in planted.items():
    rules = at.get(key)
    if rules:
        found_kind[kind] += 1
        exact_rule += any(r == kind or r.startswith(kind) for r in rules)
other = collections.Counter(r for key, rs in at.items() if key not in planted for r in rs)
found = sum(found_kind.values())
n = len(planted)
print(f"recall: {found}/{n} planted secrets found ({100.0 * found / max(n, 1):.1f}%), "
      f"{exact_rule} by the expected rule")
for kind in sorted(per_kind):
    print(f"  {kind:28s} {found_kind[kind]:5d}/{per_kind[kind]}")
print(f"other findings (not on a planted line): {sum(other.values())}"
      + (" — " + ", ".join(f"{r} {c}" for r, c in other.most_common(5)) if other else ""))
dups = sum(n - 1 for n in reports.values() if n > 1)
print(f"duplicate findings (one rule reporting one line more than once): {dups}")
many_n = len(load(many))
if many_n != len(findings):
    print(f"WARNING: the multi-threaded scan reported {many_n} findings, single-threaded {len(findings)}")
EOF
else
  echo "recall: no manifest (a tree not made by gen_corpus.py)"
fi
}

lg_each_profile bench_profile
exit 0
