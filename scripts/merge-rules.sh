#!/usr/bin/env bash
# Concatenates rules/parts/*.toml into rules/default.toml (the embedded built-in rule set).
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo '# leakguard built-in rules, in the gitleaks/Betterleaks TOML format (loadable by gitleaks).'
  echo '# Written by the leakguard authors from providers'"'"' documented token formats.'
  echo '# Each rule has positive and negative examples in rules/tests/<rule-id>.toml.'
  echo 'title = "leakguard default rules"'
  for f in rules/parts/*.toml; do
    echo
    echo "# ---- $(basename "$f" .toml) ----"
    grep -v '^title *=' "$f"
  done
} > rules/default.toml
