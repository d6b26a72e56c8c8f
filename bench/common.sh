# Shared by bench/macro.sh and bench/archive.sh (sourced): finding the leakguard binary and
# making (or reusing) the synthetic corpus of bench/gen_corpus.py.

# lg_find_bin SCRIPT CANDIDATE...: sets `bin` to an absolute path — the --bin given (already in
# `bin`), else the first executable candidate, else `leakguard` on PATH; exits 1 when none.
lg_find_bin() {
  local script="$1"; shift
  if [[ -z "$bin" ]]; then
    local b
    for b in "$@" "$(command -v leakguard || true)"; do
      if [[ -n "$b" && -x "$b" ]]; then bin="$b"; break; fi
    done
  fi
  [[ -n "$bin" && -x "$bin" ]] || { echo "$script: no leakguard binary; pass --bin PATH" >&2; exit 1; }
  bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
}

# lg_parse_args SCRIPT ARGS...: the options macro.sh and archive.sh share. Sets `seed`, `runs`,
# `bin`, `given_corpus` (--corpus), `profiles` (comma-separated, checked) and, when given,
# `size_mb` (the caller sets its default first); -h prints the caller's `usage`.
lg_parse_args() {
  local script="$1" p list
  shift
  seed=1 runs=3 bin="" given_corpus="" profiles="ordinary,dense"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --size-mb) size_mb="$2"; shift 2 ;;
      --seed) seed="$2"; shift 2 ;;
      --profile) profiles="$2"; shift 2 ;;
      --corpus) given_corpus="$2"; shift 2 ;;
      --bin) bin="$2"; shift 2 ;;
      --runs) runs="$2"; shift 2 ;;
      -h|--help) usage 0 ;;
      *) echo "$script: unknown argument $1" >&2; usage 2 ;;
    esac
  done
  IFS=',' read -r -a list <<< "$profiles"
  [[ ${#list[@]} -gt 0 ]] || { echo "$script: --profile needs a value" >&2; exit 2; }
  for p in "${list[@]}"; do
    case "$p" in
      dense|ordinary) ;;
      *) echo "$script: unknown corpus profile '$p' (dense, ordinary)" >&2; exit 2 ;;
    esac
  done
}

# lg_each_profile FUNCTION: FUNCTION PROFILE for each of `profiles`, or once (the first profile,
# used only if the corpus must be generated) when --corpus named one corpus.
lg_each_profile() {
  local p list
  if [[ -n "$given_corpus" ]]; then
    "$1" "${profiles%%,*}"
    return
  fi
  IFS=',' read -r -a list <<< "$profiles"
  for p in "${list[@]}"; do "$1" "$p"; done
}

# lg_ensure_corpus: from `here`, `size_mb`, `seed`, `profile` (dense when empty) and `corpus`
# (empty: the default path), sets `corpus` and `manifest` (empty when the tree has none). The
# default path is generated unless its stamp says the same size, seed, profile and generator
# version. A corpus named with --corpus is never regenerated: an existing one is used as it is
# (with its manifest when gen_corpus.py wrote it; any other tree without one), a missing one is
# generated with these parameters.
lg_ensure_corpus() {
  local prof="${profile:-dense}" suffix="" named="$corpus"
  [[ "$prof" == dense ]] || suffix="-$prof"
  [[ -n "$corpus" ]] || corpus="/tmp/leakguard-bench-corpus/corpus-${size_mb}mb-s${seed}${suffix}"
  corpus="${corpus%/}"
  manifest="$(dirname "$corpus")/$(basename "$corpus").planted.tsv"
  local stamp want_stamp
  stamp="$(dirname "$corpus")/$(basename "$corpus").stamp"
  if [[ -n "$named" && -d "$corpus" ]]; then
    if [[ -f "$stamp" ]]; then
      echo "corpus: using $corpus ($(cat "$stamp"))"
    else
      echo "corpus: using $corpus (not made by gen_corpus.py: no recall figures)"
      manifest=""
    fi
    return
  fi
  want_stamp="size_mb=${size_mb} seed=${seed} version=$(sed -n 's/^GENERATOR_VERSION = //p' "$here/gen_corpus.py")"
  [[ "$prof" == dense ]] || want_stamp+=" profile=$prof"
  mkdir -p "$(dirname "$corpus")"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" && -d "$corpus" ]]; then
    echo "corpus: reusing $corpus ($want_stamp)"
  else
    echo "corpus: generating $corpus ($want_stamp)"
    python3 "$here/gen_corpus.py" "$corpus" --size-mb "$size_mb" --seed "$seed" --profile "$prof"
  fi
}

# lg_corpus_label: how the reports name the corpus: its profile, or "corpus" when --corpus named it.
lg_corpus_label() {
  if [[ -n "$given_corpus" ]]; then echo "corpus"; else echo "profile ${profile}"; fi
}
