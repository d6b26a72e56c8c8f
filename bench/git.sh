#!/usr/bin/env bash
# Macro benchmark of `leakguard git` over a long history, in one run beside:
#   git cat-file --batch-all-objects --batch >/dev/null   (the cost of merely reading every object)
#   git log -p --all >/dev/null                            (what diff-based scanners must produce)
# and the peak RSS of leakguard, the findings against the planted secrets, and the time of
# `leakguard git --staged` for a small commit in a work tree of 100,000 files.
#
#   bench/git.sh                          # synthesise (once, cached) and measure
#   bench/git.sh --repo PATH              # any existing repository instead
#   bench/git.sh --commits 25000 --files 20000 --edits 40 --file-kb 1   # ~1M blobs: memory
#
# The synthetic repository comes from bench/gen_history.py through `git fast-import` and is
# cached under /tmp by its parameters (delete it to rebuild). Timings are best of --runs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/../build-release/leakguard"
repo=""
commits=20000 files=4000 edits=6 file_kb=16 plant=40 runs=3 staged=1 wide=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --repo) repo="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --commits) commits="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --edits) edits="$2"; shift 2 ;;
    --file-kb) file_kb="$2"; shift 2 ;;
    --plant) plant="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-staged) staged=0; shift ;;
    --staged-files) wide="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "no leakguard binary at $bin (make bench builds build-release/)" >&2; exit 2; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

planted=""
if [ -z "$repo" ]; then
  repo="/tmp/leakguard-bench-history-c${commits}-f${files}-e${edits}-k${file_kb}-p${plant}.git"
  if [ ! -f "$repo/.complete" ]; then
    rm -rf "$repo"
    git init -q --bare -b main "$repo"
    echo "generating $repo (once)..." >&2
    t0=$(date +%s.%N)
    python3 "$here/gen_history.py" --commits "$commits" --files "$files" --edits "$edits" \
      --file-kb "$file_kb" --plant "$plant" 2>"$repo/planted.txt" |
      git -C "$repo" fast-import --quiet
    # fast-import's pack is kept as it is (already deltified per path); a full repack of a
    # history this size takes longer than the benchmark.
    touch "$repo/.complete"
    echo "generated in $(echo "$(date +%s.%N) - $t0" | bc) s" >&2
  fi
  planted=$(sed -n 's/^planted: //p' "$repo/planted.txt")
fi

best() {  # best wall time of $runs runs of "$@" (stdout/stderr discarded)
  local best_t=""
  for _ in $(seq "$runs"); do
    local t0 t1 t
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc)
    if [ -z "$best_t" ] || [ "$(echo "$t < $best_t" | bc)" = 1 ]; then best_t=$t; fi
  done
  echo "$best_t"
}

objects=$(git -C "$repo" count-objects -v | awk '/^(count|in-pack):/ {s += $2} END {print s}')
ncommits=$(git -C "$repo" rev-list --all | wc -l)
blob_bytes=$(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
  awk '$1 == "blob" {n++; s += $2} END {printf "%d blobs, %.1f MiB", n, s / 1048576}')
echo "repository: $repo"
echo "  $ncommits commits, $objects objects, $blob_bytes, pack $(du -sh "$repo" | cut -f1)"

t_cat=$(best sh -c "git -C '$repo' cat-file --batch-all-objects --batch >/dev/null")
t_log=$(best sh -c "git -C '$repo' log -p --all >/dev/null")
t_lg=$(best "$bin" git "$repo" -q -f json -o /dev/null)
t_lg1=$(best "$bin" git "$repo" -q -j1 -f json -o /dev/null)
rss=$( ( /usr/bin/time -f '%M' "$bin" git "$repo" -q -f json -o /dev/null || true ) 2>&1 >/dev/null |
  tail -1)
found=$( ("$bin" git "$repo" -q -f json 2>/dev/null || true) |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')

printf '%-44s %8.2f s\n' "git cat-file --batch-all-objects --batch" "$t_cat"
printf '%-44s %8.2f s\n' "git log -p --all" "$t_log"
printf '%-44s %8.2f s   %.2fx cat-file, %.2fx log -p\n' "leakguard git (all cores)" "$t_lg" \
  "$(echo "$t_lg / $t_cat" | bc -l)" "$(echo "$t_lg / $t_log" | bc -l)"
printf '%-44s %8.2f s   %.2fx cat-file\n' "leakguard git -j1" "$t_lg1" "$(echo "$t_lg1 / $t_cat" | bc -l)"
printf '%-44s %8.0f MiB\n' "leakguard git peak RSS" "$(echo "$rss / 1024" | bc -l)"
if [ -n "$planted" ]; then
  echo "findings: $found (planted: $planted)"
else
  echo "findings: $found"
fi

if [ "$staged" = 1 ]; then
  # --staged in a large work tree (--staged-files files, default 100,000, one commit of a
  # generated tree, cached): a typical commit edits a few files.
  wide_repo="/tmp/leakguard-bench-wide-${wide}.git"
  if [ ! -f "$wide_repo/.complete" ]; then
    rm -rf "$wide_repo"
    git init -q --bare -b main "$wide_repo"
    python3 "$here/gen_history.py" --commits 1 --files "$wide" --file-kb 1 --plant 0 2>/dev/null |
      git -C "$wide_repo" fast-import --quiet
    touch "$wide_repo/.complete"
  fi
  wt=$(mktemp -d /tmp/leakguard-bench-wt.XXXXXX)
  trap 'git -C "$wide_repo" worktree remove --force "$wt" >/dev/null 2>&1 || true; rm -rf "$wt"' EXIT
  git -C "$wide_repo" worktree add -q --detach "$wt" HEAD
  n=0
  for f in $(git -C "$wt" ls-files | awk 'NR % 997 == 1' | head -3); do
    printf 'added_line_%d = compute(%d)\n' "$n" "$n" >>"$wt/$f"
    n=$((n + 1))
  done
  git -C "$wt" add -A
  files_in_index=$(git -C "$wt" ls-files | wc -l)
  t_staged=$(best sh -c "cd '$wt' && '$bin' git --staged -q")
  printf '%-44s %8.0f ms  (index of %d files, %d staged)\n' "leakguard git --staged" \
    "$(echo "$t_staged * 1000" | bc -l)" "$files_in_index" "$n"
fi
