#!/usr/bin/env bash
# Concatenates rules/parts/*.toml (the rule families, edited by hand) into rules/default.toml
# (the embedded built-in rule set, committed so gitleaks users can read it as one file).
#   scripts/merge-rules.sh          rewrite rules/default.toml
#   scripts/merge-rules.sh --check  exit 1 if rules/default.toml is not up to date
set -euo pipefail
cd "$(dirname "$0")/.."
merge() {
  echo '# leakguard built-in rules, in the gitleaks/Betterleaks TOML format (loadable by gitleaks).'
  echo '# Written by the leakguard authors from providers'"'"' documented token formats.'
  echo '# Each rule has positive and negative examples in rules/tests/<rule-id>.toml.'
  echo 'title = "leakguard default rules"'
  for f in rules/parts/*.toml; do
    echo
    echo "# ---- $(basename "$f" .toml) ----"
    grep -v '^title *=' "$f"
  done
}
if [ "${1:-}" = "--check" ]; then
  if ! diff -q <(merge) rules/default.toml >/dev/null; then
    echo "rules/default.toml is out of date: run scripts/merge-rules.sh" >&2
    exit 1
  fi
  exit 0
fi
merge > rules/default.toml
