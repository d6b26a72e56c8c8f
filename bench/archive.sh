#!/usr/bin/env bash
# Archive benchmark: `leakguard scan ARCHIVE` against extracting the same archive to /dev/null.
#
#   bench/archive.sh [--size-mb N] [--seed S] [--profile P[,P]] [--bin PATH] [--runs R]
#                    [--corpus DIR]
#
# For each corpus profile (default "ordinary,dense", as bench/macro.sh), packs the synthetic
# corpus of bench/gen_corpus.py (the one bench/macro.sh uses, default 100 MB, reused when
# present) as corpus.zip (zip -r, deflate), corpus.tar.gz (tar -cz), corpus.tar.zst
# (when the zstd tool is present) and corpus.tar, then times R rounds (default 3) of these three
# commands in turn per archive, wall clock and CPU (user + system, via /usr/bin/time), so that
# machine speed drifts cancel out of the ratios:
#   baseline   unzip -p corpus.zip > /dev/null;  tar -xOf corpus.tar[.gz|.zst] > /dev/null
#   scan -j1   leakguard scan ARCHIVE --threads 1 -f json -o FILE
#   scan -jN   leakguard scan ARCHIVE -f json -o FILE     (all cores)
# and prints the best wall seconds, MB/s of uncompressed content, the wall-time ratio to the
# baseline (target: the all-cores scan within 1.5x), the CPU-time ratio (the work done, which a
# busy machine disturbs less; for -jN it sums both cores) and the median wall time and ratio. Recall: findings inside each archive are
# matched to the corpus manifest by member path and line, as macro.sh does for the tree.
# Exit 0 unless something could not run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
# shellcheck source=bench/common.sh
source "$here/common.sh"
size_mb=100
lg_parse_args archive.sh "$@"
for tool in zip unzip tar gzip python3 /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "archive.sh: needs $tool" >&2; exit 1; }
done
lg_find_bin archive.sh "$here/../build-release/leakguard" "$here/../build/leakguard"

export LEAKGUARD_CACHE_DIR="${LEAKGUARD_CACHE_DIR:-/tmp/leakguard-bench-corpus/hs-cache}"
work="$(mktemp -d /tmp/leakguard-archive-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# One profile's corpus: its archives, timings, then recall against its manifest.
bench_profile() {
profile="$1"
corpus="$given_corpus"
lg_ensure_corpus
rm -f "$work"/corpus.* "$work"/scan*.json

# Archives of the corpus, paths relative to its root (as `python -m build` or `npm pack` would).
(cd "$corpus" && zip -q -r -X "$work/corpus.zip" .)
(cd "$corpus" && tar -cf "$work/corpus.tar" .)
gzip -c -6 "$work/corpus.tar" > "$work/corpus.tar.gz"
kinds=(zip tar.gz tar)
if command -v zstd > /dev/null; then
  zstd -q -3 -c "$work/corpus.tar" > "$work/corpus.tar.zst"
  kinds=(zip tar.gz tar.zst tar)
fi
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}')
echo
echo "== $(lg_corpus_label): $corpus: $(find "$corpus" -type f | wc -l) files, $mb MB;" \
  "leakguard: $bin; cores: $(nproc); $runs rounds"
for k in "${kinds[@]}"; do
  printf '  corpus.%-8s %8.1f MB\n' "$k" "$(awk -v b="$(stat -c %s "$work/corpus.$k")" 'BEGIN {print b / 1e6}')"
done

run_ok() {
  local rc=0
  "$@" || rc=$?
  if (( rc > 1 )); then echo "archive.sh: '$*' failed with exit code $rc" >&2; exit 1; fi
}
# One run of a command (after NAME): appends "wall cpu" in seconds to $work/times.NAME — wall
# clock from `date +%s%N`, CPU (user + system) from /usr/bin/time (10 ms resolution).
time_one() {
  local name="$1" rc=0 t0 t1 user sys
  shift
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" || rc=$?
  t1=$(date +%s%N)
  if (( rc > 1 )); then echo "archive.sh: '$*' failed with exit code $rc" >&2; exit 1; fi
  read -r user sys < <(tail -1 "$work/time")
  awk -v a="$t0" -v b="$t1" -v u="$user" -v s="$sys" \
    'BEGIN {printf "%.3f %.2f\n", (b - a) / 1e9, u + s}' >> "$work/times.$name"
}
# "best-wall cpu-of-that-run median-wall" of the runs recorded for NAME.
best_median() {
  sort -n "$work/times.$1" | awk '{w[NR] = $1; c[NR] = $2} END {print w[1], c[1], w[int((NR + 1) / 2)]}'
}
extract() {
  case "$1" in
    zip) sh -c 'unzip -p "$1" > /dev/null' sh "$work/corpus.zip" ;;
    *) sh -c 'tar -xOf "$1" > /dev/null' sh "$work/corpus.$1" ;;
  esac
}
scan_1() { "$bin" scan "$work/corpus.$1" --threads 1 -q -f json -o "$work/scan-$1.json"; }
scan_n() { "$bin" scan "$work/corpus.$1" -q -f json -o "$work/scanN-$1.json"; }
export -f extract scan_1 scan_n
export work bin

# Warm-up: page cache and the compiled rules database.
for k in "${kinds[@]}"; do cat "$work/corpus.$k" > /dev/null; done
mkdir -p "$work/empty"
run_ok "$bin" scan "$work/empty" -q -f json -o /dev/null

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %7s %6s %7s %7s %6s %9s %7s\n' "" "wall s" "cpu s" "MB/s" "x wall" "x cpu" \
  "median s" "x wall"
for k in "${kinds[@]}"; do
  base_name=$([[ "$k" == zip ]] && echo "unzip -p corpus.zip" || echo "tar -xOf corpus.$k")
  # R rounds, each running the three commands in turn: a slow phase falls on all of them alike.
  rm -f "$work"/times.*
  for ((round = 0; round < runs; round++)); do
    time_one base bash -c 'extract "$0"' "$k"
    time_one one bash -c 'scan_1 "$0"' "$k"
    time_one all bash -c 'scan_n "$0"' "$k"
  done
  read -r t_base c_base m_base < <(best_median base)
  for row in "$base_name|base" "leakguard scan corpus.$k -j1|one" \
             "leakguard scan corpus.$k -j$(nproc)|all"; do
    IFS='|' read -r name key <<< "$row"
    read -r t c m < <(best_median "$key")
    awk -v name="$name" -v t="$t" -v c="$c" -v m="$m" -v tb="$t_base" -v cb="$c_base" \
      -v mbase="$m_base" -v mb="$mb" \
      'BEGIN {printf "%-34s %7.3f %6.2f %7.1f %7.2f %6.2f %9.3f %7.2f\n", name, t, c,
              (t > 0 ? mb / t : 0), (tb > 0 ? t / tb : 0), (cb > 0 ? c / cb : 0), m,
              (mbase > 0 ? m / mbase : 0)}'
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

if [[ -n "$manifest" ]]; then
python3 - "$manifest" "$work" "${kinds[@]}" <<'EOF'
import json, sys
manifest, work, kinds = sys.argv[1], sys.argv[2], sys.argv[3:]
planted = set()
with open(manifest, encoding="utf-8") as f:
    next(f)
    for line in f:
        path, ln, _ = line.rstrip("\n").split("\t")
        planted.add((path, int(ln)))
for k in kinds:
    with open(f"{work}/scan-{k}.json", encoding="utf-8") as f:
        doc = json.load(f)
    found = set()
    reports = {}
    for fi in doc["findings"]:
        chain = fi.get("archive_chain") or []
        if len(chain) >= 2:
            member = chain[-1][2:] if chain[-1].startswith("./") else chain[-1]
            found.add((member, fi["line"]))
            key = (member, fi["line"], fi["rule_id"])
            reports[key] = reports.get(key, 0) + 1
    hit = len(planted & found)
    other = len(found - planted)
    dups = sum(n - 1 for n in reports.values() if n > 1)
    s = doc["summary"]
    print(f"corpus.{k}: recall {hit}/{len(planted)}; {s['archives']['members']} members scanned, "
          f"{s['archives']['incomplete']} archives incomplete, {len(doc['findings'])} findings "
          f"({other} on other lines, {dups} duplicates)")
EOF
else
  echo "recall: no manifest (a tree not made by gen_corpus.py)"
fi
}

lg_each_profile bench_profile
exit 0
