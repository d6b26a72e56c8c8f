#!/usr/bin/env bash
# Macro benchmark: `leakguard redact` on a log-like file, against `cat` of the same file.
#
#   bench/redact.sh [--size-mb N] [--bin PATH] [--bench PATH] [--runs R] [--corpus FILE]
#
# The log is written by redact_bench (--write-corpus; the generator behind BM_Redact*): access
# logs, key=value and JSON application logs, stack traces, HTTP header dumps, with a secret
# every ~40 KiB. Default: /tmp/leakguard-bench-corpus/redact-<N>mb.log (N = 100), reused when
# present. After warming the page cache and the compiled-rules cache, times — best of R runs
# (default 3), wall clock, one thread:
#   cat          cat FILE > /dev/null                  (the I/O + syscall floor)
#   redact FILE  leakguard redact FILE > /dev/null     (1 MiB reads)
#   cat | redact cat FILE | leakguard redact > FILE    (the pipeline form, through a pipe)
# and prints MB, seconds, MB/s and the ratio to cat. The output of the pipeline run is then
# checked: as many masks as planted secrets, and `leakguard scan` finds nothing left in it.
# Exit 0 unless something could not run or the check fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
size_mb=100
bin=""
bench=""
runs=3
corpus=""

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size-mb) size_mb="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "redact.sh: unknown argument $1" >&2; usage 2 ;;
  esac
done

for d in build-release build-bench build; do
  [[ -z "$bin" && -x "$here/../$d/leakguard" ]] && bin="$here/../$d/leakguard"
  [[ -z "$bench" && -x "$here/../$d/bench/redact_bench" ]] && bench="$here/../$d/bench/redact_bench"
done
[[ -n "$bin" && -x "$bin" ]] || { echo "redact.sh: no leakguard binary; pass --bin PATH" >&2; exit 1; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
[[ -z "$bench" ]] || bench="$(cd "$(dirname "$bench")" && pwd)/$(basename "$bench")"
[[ -z "$corpus" ]] || corpus="$(cd "$(dirname "$corpus")" && pwd)/$(basename "$corpus")"
[[ -n "$corpus" || ( -n "$bench" && -x "$bench" ) ]] ||
  { echo "redact.sh: no redact_bench to write the log; pass --bench PATH or --corpus FILE" >&2; exit 1; }

[[ -n "$corpus" ]] || corpus="/tmp/leakguard-bench-corpus/redact-${size_mb}mb.log"
mkdir -p "$(dirname "$corpus")"
if [[ ! -s "$corpus" || ! -s "$corpus.planted" ]]; then
  echo "corpus: writing $corpus"
  "$bench" --write-corpus="$corpus" --corpus-mb="$size_mb" | awk '{print $3}' > "$corpus.planted"
fi
planted="$(cat "$corpus.planted")"
bytes="$(stat -c %s "$corpus")"
mb="$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}')"

export LEAKGUARD_CACHE_DIR="${LEAKGUARD_CACHE_DIR:-/tmp/leakguard-bench-corpus/hs-cache}"
work="$(mktemp -d /tmp/leakguard-redact-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"  # no .leakguard.toml here: the built-in rules
echo "corpus: $corpus, $mb MB, $planted planted secrets; leakguard: $bin; best of $runs"

now() { date +%s.%N; }
run_cat() { cat "$corpus" > /dev/null; }
run_file() { "$bin" redact "$corpus" > /dev/null; }
run_pipe() { cat "$corpus" | "$bin" redact > "$work/out.log"; }

best_of() {
  local best="" t0 t1 d i
  for ((i = 0; i < runs; i++)); do
    t0=$(now); "$@"; t1=$(now)
    d=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
    echo "  $1 run $((i + 1)): ${d}s" >&2
    if [[ -z "$best" ]] || awk -v d="$d" -v b="$best" 'BEGIN {exit !(d < b)}'; then best="$d"; fi
  done
  echo "$best"
}

run_cat; run_cat
"$bin" redact < /dev/null > /dev/null  # compiles and caches the rules database

t_cat=$(best_of run_cat)
t_file=$(best_of run_file)
t_pipe=$(best_of run_pipe)

echo
printf '%-30s %10s %10s %10s %10s\n' "" "MB" "seconds" "MB/s" "x cat"
row() {
  awk -v name="$1" -v mb="$mb" -v t="$2" -v tc="$t_cat" \
    'BEGIN {printf "%-30s %10.1f %10.3f %10.1f %10.1f\n", name, mb, t, (t > 0 ? mb / t : 0), (tc > 0 ? t / tc : 0)}'
}
row "cat FILE" "$t_cat"
row "leakguard redact FILE" "$t_file"
row "cat FILE | leakguard redact" "$t_pipe"
echo

masks=$(grep -o '\[REDACTED:[a-z0-9-]*\]' "$work/out.log" | wc -l)
left=$("$bin" scan "$work/out.log" -q -f json -o "$work/left.json" > /dev/null 2>&1; echo $?) || true
echo "check: $masks masks for $planted planted secrets; scan of the output: exit code $left (0 = clean)"
[[ "$masks" -ge "$planted" && "$left" == 0 ]] || { echo "redact.sh: CHECK FAILED" >&2; exit 1; }
exit 0
