#!/usr/bin/env bash
# Real trees: `leakguard scan DIR...` against `cat` of the same files, as a ratio in one run.
#
#   bench/trees.sh [--bin PATH] [--runs R] DIR [DIR ...]
#
# Times, best of R runs each (default 5), wall clock via `date +%s%N`, alternating the commands
# so that drifts of the machine's speed touch all of them alike:
#   cat        find DIR... -type f -print0 | xargs -0 cat > /dev/null   (every file, binaries too)
#   scan -j1   leakguard scan DIR... --threads 1 -q -f json -o /dev/null
#   scan -jN   leakguard scan DIR... -q -f json -o /dev/null               (all cores)
# and prints the files and bytes leakguard reports scanned (binary files are skipped, and counted
# apart), MB/s of those bytes, and each time's ratio to cat's. Exit 0 unless something failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
bin=""
runs=5
dirs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    -*) echo "trees.sh: unknown argument $1" >&2; usage 2 ;;
    *) dirs+=("$1"); shift ;;
  esac
done
[[ ${#dirs[@]} -gt 0 ]] || usage 2
# shellcheck source=bench/common.sh
source "$here/common.sh"
lg_find_bin trees.sh "$here/../build-bench/leakguard" "$here/../build/leakguard"
export LEAKGUARD_CACHE_DIR="${LEAKGUARD_CACHE_DIR:-/tmp/leakguard-bench-corpus/hs-cache}"
work="$(mktemp -d /tmp/leakguard-trees.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# leakguard exits 1 when it finds secrets; 2 or more is a failure.
scan() {
  local rc=0
  "$bin" scan "${dirs[@]}" "$@" -q -f json -o "$work/report.json" 2> "$work/err" || rc=$?
  if (( rc > 1 )); then echo "trees.sh: leakguard failed ($rc)" >&2; cat "$work/err" >&2; exit 1; fi
}
cat_all() { find "${dirs[@]}" -type f -print0 | xargs -0 cat > /dev/null; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

cat_all; cat_all; scan  # warm: page cache and the compiled rules database
read -r files bytes binary < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["files_scanned"], s["bytes_scanned"], s["skipped"]["binary"])' "$work/report.json")
best_cat=0 best_1=0 best_n=0
for ((i = 0; i < runs; i++)); do
  t0=$(date +%s%N); cat_all; t1=$(date +%s%N); scan --threads 1; t2=$(date +%s%N); scan
  t3=$(date +%s%N)
  c=$(ms "$t0" "$t1") s1=$(ms "$t1" "$t2") sn=$(ms "$t2" "$t3")
  (( best_cat == 0 || c < best_cat )) && best_cat=$c
  (( best_1 == 0 || s1 < best_1 )) && best_1=$s1
  (( best_n == 0 || sn < best_n )) && best_n=$sn
  echo "  run $((i + 1)): cat ${c} ms, scan -j1 ${s1} ms, scan -j$(nproc) ${sn} ms" >&2
done
echo "trees: ${dirs[*]}"
echo "leakguard scanned $files files, $bytes bytes ($binary binary files skipped); best of $runs"
printf '%-28s %10s %10s %10s\n' "" "seconds" "MB/s" "x cat"
for row in "cat (every file)|$best_cat" "leakguard scan --threads 1|$best_1" \
           "leakguard scan ($(nproc) cores)|$best_n"; do
  IFS='|' read -r name t <<< "$row"
  awk -v n="$name" -v t="$t" -v b="$bytes" -v c="$best_cat" \
    'BEGIN {printf "%-28s %10.3f %10.1f %10.2f\n", n, t / 1000, (t > 0 ? b / 1e6 / (t / 1000) : 0), (c > 0 ? t / c : 0)}'
done
exit 0
