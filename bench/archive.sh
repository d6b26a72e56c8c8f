#!/usr/bin/env bash
# Archive benchmark: `leakguard scan ARCHIVE` against extracting the same archive to /dev/null.
#
#   bench/archive.sh [--size-mb N] [--seed S] [--profile P[,P]] [--bin PATH] [--runs R]
#                    [--corpus DIR]
#
# For each corpus profile (default "ordinary,dense", as bench/macro.sh), packs the synthetic
# corpus of bench/gen_corpus.py (the one bench/macro.sh uses, default 100 MB, reused when
# present) as corpus.zip (zip -r, deflate), corpus.tar.gz (tar -cz), corpus.tar.zst
# (when the zstd tool is present) and corpus.tar, then times — best of R runs (default 3), wall
# clock and CPU (user + system, via /usr/bin/time) — in one run, so machine speed drifts cancel
# out of the ratios:
#   baseline   unzip -p corpus.zip > /dev/null;  tar -xOf corpus.tar[.gz|.zst] > /dev/null
#   scan -j1   leakguard scan ARCHIVE --threads 1 -f json -o FILE
#   scan -jN   leakguard scan ARCHIVE -f json -o FILE     (all cores)
# and prints wall seconds, MB/s of uncompressed content, the wall-time ratio to the baseline
# (target: the all-cores scan within 1.5x) and the CPU-time ratio (the work done, which a busy
# machine disturbs less; for -jN it sums both cores). Recall: findings inside each archive are
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
  "leakguard: $bin; cores: $(nproc); best of $runs"
for k in "${kinds[@]}"; do
  printf '  corpus.%-8s %8.1f MB\n' "$k" "$(awk -v b="$(stat -c %s "$work/corpus.$k")" 'BEGIN {print b / 1e6}')"
done

run_ok() {
  local rc=0
  "$@" || rc=$?
  if (( rc > 1 )); then echo "archive.sh: '$*' failed with exit code $rc" >&2; exit 1; fi
}
# Best-of-R of a command: prints "wall cpu" (seconds) of the run with the best wall time.
best_of() {
  local best="" best_cpu="" i wall cpu rc
  for ((i = 0; i < runs; i++)); do
    rc=0
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" || rc=$?
    if (( rc > 1 )); then echo "archive.sh: '$*' failed with exit code $rc" >&2; exit 1; fi
    read -r wall user sys < <(tail -1 "$work/time")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
    if [[ -z "$best" ]] || awk -v d="$wall" -v b="$best" 'BEGIN {exit !(d < b)}'; then
      best="$wall"; best_cpu="$cpu"
    fi
  done
  echo "$best $best_cpu"
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
printf '%-34s %8s %8s %8s %10s %10s\n' "" "wall s" "cpu s" "MB/s" "x wall" "x cpu"
for k in "${kinds[@]}"; do
  base_name=$([[ "$k" == zip ]] && echo "unzip -p corpus.zip" || echo "tar -xOf corpus.$k")
  read -r t_base c_base < <(best_of bash -c 'extract "$0"' "$k")
  read -r t_1 c_1 < <(best_of bash -c 'scan_1 "$0"' "$k")
  read -r t_n c_n < <(best_of bash -c 'scan_n "$0"' "$k")
  for row in "$base_name|$t_base|$c_base" "leakguard scan corpus.$k -j1|$t_1|$c_1" \
             "leakguard scan corpus.$k -j$(nproc)|$t_n|$c_n"; do
    IFS='|' read -r name t c <<< "$row"
    awk -v name="$name" -v t="$t" -v c="$c" -v tb="$t_base" -v cb="$c_base" -v mb="$mb" \
      'BEGIN {printf "%-34s %8.3f %8.2f %8.1f %10.2f %10.2f\n", name, t, c, (t > 0 ? mb / t : 0),
              (tb > 0 ? t / tb : 0), (cb > 0 ? c / cb : 0)}'
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
