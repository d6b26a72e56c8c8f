#!/usr/bin/env bash
# Regenerates the archive fixtures in this directory with the real tools that produce such files
# in the wild (Info-ZIP, Python's zipfile, GNU tar, gzip, zstd, lz4, dpkg-deb, binutils' ar), so
# the tests also read archives that libarchive did not write. Every file holds fake secrets at known members and
# lines (see tests/e2e/archive_e2e_test.cc, FixturesMadeByRealTools); this directory is
# allowlisted in .leakguard.toml, which covers the archives' members too.
#
#   testdata/archives/make-fixtures.sh   (needs zip, python3, tar, gzip, zstd, lz4, dpkg-deb, cc, ar)
#
# Output is deterministic (fixed mtimes, owners and order) except encrypted.zip, whose
# encryption header is random by design.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TZ=UTC SOURCE_DATE_EPOCH=1700000000
# Fake credentials, assembled so this script holds no literal token.
pat="gh""p_""Xq7Lm2Np9Rs4Tv6Wy8Za1Bc3De5Fg71heey9"
aws="AK""IA""ZZ3YX5WV7UT6SR2Q"

mkdir -p "$work/pkg/pkg"
printf 'import os\n\nTOKEN = "%s"\n' "$pat" > "$work/pkg/pkg/settings.py"
printf '' > "$work/pkg/pkg/__init__.py"

# A wheel as `python -m build` writes it: Python's zipfile, deflate.
python3 - "$work/pkg" "$here/pkg-1.0-py3-none-any.whl" <<'PY'
import os, sys, zipfile
root, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for rel in ["pkg/__init__.py", "pkg/settings.py"]:
        info = zipfile.ZipInfo(rel, date_time=(2023, 11, 14, 22, 13, 20))
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(os.path.join(root, rel), "rb") as f:
            z.writestr(info, f.read())
PY

# An npm tarball as `npm pack` lays it out: package/..., tar + gzip.
mkdir -p "$work/npm/package/config"
printf '{"name": "app", "version": "1.0.0"}\n' > "$work/npm/package/package.json"
printf "module.exports = {\n  region: 'eu-west-1',\n  accessKeyId: '%s',\n};\n" "$aws" \
  > "$work/npm/package/config/aws.js"
tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -C "$work/npm" -cf - package \
  | gzip -n -9 > "$here/app-1.0.0.tgz"

# A zip streamed to stdout by Info-ZIP: sizes in data descriptors after each entry.
(cd "$work/pkg" && touch -d @1700000000 pkg/settings.py pkg/__init__.py pkg && zip -q -X -r - pkg) \
  > "$here/streamed.zip"

# An encrypted zip (Info-ZIP traditional encryption).
(cd "$work/pkg" && zip -q -X -P hunter2 "$here/encrypted.zip" pkg/settings.py)

# zstd and lz4 made by their own command-line tools.
zstd -q -19 -f -o "$here/settings.py.zst" "$work/pkg/pkg/settings.py"
tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -C "$work/pkg" -cf - pkg \
  | lz4 -q -9 -f - "$here/pkg.tar.lz4"

# A Debian package from dpkg-deb (ar of debian-binary, control.tar.*, data.tar.*).
mkdir -p "$work/deb/DEBIAN" "$work/deb/etc/demo"
printf 'Package: demo\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.com>\nDescription: t\n' \
  > "$work/deb/DEBIAN/control"
printf '[auth]\nuser = demo\ntoken = %s\n' "$pat" > "$work/deb/etc/demo/demo.conf"
find "$work/deb" -exec touch -h -d @1700000000 {} +
dpkg-deb --root-owner-group -Zxz --build "$work/deb" "$here/demo_1.0_all.deb" > /dev/null

# A static library as binutils' ar writes it in deterministic mode (member modes without file-type
# bits, a symbol table first): an object file and a text member.
printf 'int demo(void) { return 42; }\n' > "$work/demo.c"
cc -c -o "$work/demo.o" "$work/demo.c"
printf '[auth]\ntoken = %s\n' "$pat" > "$work/demo.ini"
rm -f "$here/libdemo.a"
(cd "$work" && ar rcsD "$here/libdemo.a" demo.o demo.ini)

ls -l "$here"
