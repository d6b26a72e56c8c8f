#!/usr/bin/env bash
# Installs the Debian packages leakguard needs to build and test. Idempotent: only missing
# packages are installed. Runs as root or through sudo.
set -euo pipefail
pkgs=(build-essential cmake pkg-config git ca-certificates
      libvectorscan-dev libre2-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev
      libfmt-dev libssl-dev libgtest-dev libgmock-dev googletest libbenchmark-dev
      libgit2-dev libarchive-dev libyaml-cpp-dev zlib1g-dev
      python3 time bc zip unzip zstd)  # tests build a zip with python3; bench/ scripts use the rest
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
