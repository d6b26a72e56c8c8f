#!/usr/bin/env python3
"""Counts, per MB of text, what makes a secret scanner work beyond its first pass: credential
words, URLs, random-looking values and quoted assignments. Used to compare bench/gen_corpus.py's
profiles with real source trees (the table in gen_corpus.py's docstring).

    corpus_density.py DIR [DIR ...]

For each DIR: regular text files (no NUL byte in the first 8000 bytes; symlinks not followed),
their count, MB, mean size, then each measure's matches per MB. Python 3 standard library only.
"""

import os
import re
import sys

MEASURES = {
    "token": rb"(?i)token",
    "secret": rb"(?i)secret",
    "password": rb"(?i)passw(?:or)?d",
    "key": rb"(?i)key",
    "credential": rb"(?i)credential",
    "auth": rb"(?i)auth",
    "URL": rb"://",
    "hex>=32": rb"\b[0-9a-fA-F]{32,}\b",
    "base64-run>=20": rb"[A-Za-z0-9+/_-]{20,}",
    "UUID": rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    '= "16+ chars"': rb"""[=:]\s*["'][^"'\s]{16,}["']""",
}


def measure(root):
    compiled = {k: re.compile(v) for k, v in MEASURES.items()}
    total, files = 0, 0
    counts = dict.fromkeys(MEASURES, 0)
    for d, _, names in os.walk(root):
        for name in names:
            path = os.path.join(d, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if b"\0" in data[:8000]:
                continue
            files += 1
            total += len(data)
            for k, rx in compiled.items():
                counts[k] += len(rx.findall(data))
    return files, total, counts


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for root in sys.argv[1:]:
        files, total, counts = measure(root)
        mb = total / 1e6 or 1
        print(f"{root}: {files} files, {total / 1e6:.1f} MB, mean {total / max(files, 1) / 1e3:.1f} KB")
        print("  per MB: " + ", ".join(f"{k} {v / mb:.0f}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
