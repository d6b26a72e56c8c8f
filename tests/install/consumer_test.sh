#!/usr/bin/env bash
# The installed package, used as a consumer would: `cmake --install` into a temporary prefix,
# then examples/ configured with a real find_package(leakguard) against that prefix only, built
# and run; the same program built again with pkg-config alone. The secret the example handles is
# assembled here at run time.
#
#   consumer_test.sh BUILD_DIR SOURCE_DIR [EXTRA_CXX_FLAGS]   (e.g. -fsanitize=... in ASan builds)
set -euo pipefail
build_dir="$1"
src_dir="$2"
extra_flags="${3:-}"
work="$(mktemp -d "${TMPDIR:-/tmp}/leakguard-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

fail() { echo "consumer_test: FAIL: $*" >&2; exit 1; }

cmake --install "$build_dir" --prefix "$prefix" > "$work/install.log"
[[ -f "$prefix/include/leakguard/secret.h" ]] || fail "headers not installed"
lib="$(find "$prefix" -name libleakguard.a | head -1)"
[[ -n "$lib" ]] || fail "libleakguard.a not installed"
config="$(find "$prefix" -name leakguardConfig.cmake | head -1)"
pc="$(find "$prefix" -name leakguard.pc | head -1)"
[[ -n "$config" && -n "$pc" ]] || fail "package files not installed"
# Relocatable: nothing installed points back into the source or build tree.
if grep -l -e "$src_dir" -e "$build_dir" "$config" "$pc" "$(dirname "$config")"/*.cmake; then
  fail "installed package files refer to the build or source tree"
fi
# Only the public headers are installed.
[[ "$(ls "$prefix/include/leakguard")" == "$(printf 'error.h\nredact.h\nscanner.h\nsecret.h')" ]] ||
  fail "unexpected installed headers: $(ls "$prefix/include/leakguard" | tr '\n' ' ')"

token="gh""p_""Zx9Wv8Ut7Sr6Qp5On4""Ml3Kj2Ih1Gf01dIj2O"
check_output() {  # $1: the program's output file
  local out="$1"
  grep -qx 'fmt: \*\*\*\*\*\*\*\*\*\*' "$out" || fail "fmt did not print the mask"
  grep -qx 'ostream: \*\*\*\*\*\*\*\*\*\*' "$out" || fail "ostream did not print the mask"
  grep -qx 'string: \*\*\*\*\*\*\*\*\*\*' "$out" || fail "std::string conversion did not give the mask"
  grep -qx 'same token: true' "$out" || fail "Equals"
  grep -qx 'redacted: GET /user 200 Authorization: token \[REDACTED:github-pat\]' "$out" ||
    fail "Redact did not mask the token"
  grep -qx 'kept hint: GET /user 200 Authorization: token ghp_\*\*\*\*' "$out" || fail "keep"
  grep -qx 'finding: github-pat at 1:36 secret=\*\*\*\*\*\*\*\*\*\* shown as ghp_\*\*\*\*' "$out" ||
    fail "Scanner::Scan"
  if grep -q "$token" "$out"; then fail "the token was printed"; fi
}

# 1. CMake: find_package against the temporary prefix only.
cmake -S "$src_dir/examples" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$extra_flags" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF > "$work/configure.log" ||
  { cat "$work/configure.log" >&2; fail "configure"; }
grep -q "leakguard package: $prefix/" "$work/configure.log" ||
  { cat "$work/configure.log" >&2; fail "find_package did not use the temporary prefix"; }
cmake --build "$work/build" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "build"; }
EXAMPLE_API_TOKEN="$token" "$work/build/redact_example" > "$work/out-cmake.txt" ||
  { cat "$work/out-cmake.txt" >&2; fail "run (cmake build)"; }
check_output "$work/out-cmake.txt"
# The documented error for a missing variable.
if env -u EXAMPLE_API_TOKEN "$work/build/redact_example" > /dev/null 2> "$work/err.txt"; then
  fail "ran without EXAMPLE_API_TOKEN"
fi
grep -q "EXAMPLE_API_TOKEN' is not set" "$work/err.txt" || fail "missing variable message"

# 2. pkg-config alone.
pcdir="$(dirname "$pc")"
flags="$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs leakguard)" || fail "pkg-config"
# shellcheck disable=SC2086
c++ -std=c++23 $extra_flags "$src_dir/examples/redact_example.cc" -o "$work/pc_example" $flags ||
  fail "build with pkg-config flags: $flags"
EXAMPLE_API_TOKEN="$token" "$work/pc_example" > "$work/out-pc.txt" || fail "run (pkg-config build)"
check_output "$work/out-pc.txt"
echo "consumer_test: OK ($lib)"
