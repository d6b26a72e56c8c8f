#!/usr/bin/env python3
"""Writes a `git fast-import` stream for a synthetic repository with a long history.

The same arguments always give the same repository (fixed seed, fixed dates), so benchmark
figures are comparable between runs and machines:

  python3 bench/gen_history.py --commits 20000 | git -C repo fast-import --quiet

A tree of `--files` source-like files (Python, JS, Go, YAML, Markdown) is created by the first
commit; every later commit edits `--edits` files (a few lines changed, a line or two added) and
now and then adds or deletes a file, so history holds many versions of each file, as real
projects do. `--plant N` plants N fake secrets (GitHub PATs, AWS key ids) in commits spread over
the history, each removed again a few commits later; their count is printed to stderr as
`planted: N` so a benchmark can check recall.
"""
import argparse
import random
import sys

WORDS = ("user account config request response handler server client cache index value "
         "item list map count total error result status session token parser buffer stream "
         "record field table query schema worker queue event message payload timeout retry "
         "limit offset page size path name id key data info state mode level flag").split()


def ident(rng):
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    return a + "_" + b if rng.random() < 0.5 else a + b.capitalize()


def line(rng, ext):
    r = rng.random()
    name = ident(rng)
    if ext == "py":
        if r < 0.15:
            return f"# {rng.choice(WORDS)} the {rng.choice(WORDS)} before the {rng.choice(WORDS)}"
        if r < 0.35:
            return f"    {name} = {ident(rng)}({rng.randint(0, 999)}, '{rng.choice(WORDS)}')"
        if r < 0.5:
            return f"def {name}({ident(rng)}, {ident(rng)}=None):"
        if r < 0.65:
            return f"    return {ident(rng)}.{ident(rng)}({name})"
        return f"    if {name} > {rng.randint(0, 100)}: {ident(rng)} += 1"
    if ext == "js":
        if r < 0.2:
            return f"// {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)}"
        if r < 0.5:
            return f"  const {name} = await {ident(rng)}.{ident(rng)}('{rng.choice(WORDS)}');"
        if r < 0.7:
            return f"export function {name}({ident(rng)}) {{ return {ident(rng)} + {rng.randint(0, 99)}; }}"
        return f"  if ({name} === null) throw new Error('{rng.choice(WORDS)} missing');"
    if ext == "go":
        if r < 0.2:
            return f"// {name} {rng.choice(WORDS)}s the {rng.choice(WORDS)}."
        if r < 0.5:
            return f"\t{name} := {ident(rng)}({rng.randint(0, 999)})"
        if r < 0.7:
            return f"\tif err := {ident(rng)}(ctx); err != nil {{ return err }}"
        return f"func {name}(ctx context.Context, {ident(rng)} int) error {{"
    if ext == "yaml":
        return f"{'  ' * rng.randint(0, 2)}{name}: {rng.choice([str(rng.randint(0, 9999)), rng.choice(WORDS), 'true'])}"
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))


def new_file(rng, ext, kb):
    lines = []
    size = 0
    target = max(1, int(rng.uniform(0.3, 1.7) * kb * 1024))
    while size < target:
        l = line(rng, ext)
        lines.append(l)
        size += len(l) + 1
    return lines


def secret(rng, i):
    if i % 2 == 0:
        body = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                       for _ in range(36))
        return "ghp_" + body
    return "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commits", type=int, default=20000)
    ap.add_argument("--files", type=int, default=4000)
    ap.add_argument("--edits", type=int, default=6, help="files edited per commit")
    ap.add_argument("--file-kb", type=float, default=16, help="mean file size in KiB")
    ap.add_argument("--plant", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = sys.stdout.buffer
    exts = ["py", "js", "go", "yaml", "md"]
    files = {}
    for i in range(a.files):
        ext = exts[i % len(exts)]
        path = f"{rng.choice(WORDS)}/{rng.choice(WORDS)}/{ident(rng)}_{i}.{ext}"
        files[path] = new_file(rng, ext, a.file_kb)
    paths = sorted(files)
    plant_at = {}
    if a.plant:
        step = max(1, a.commits // (a.plant + 1))
        for k in range(a.plant):
            plant_at[step * (k + 1)] = k
    pending_removal = {}  # commit number -> (path, line index)
    planted = 0
    mark = 0

    def blob(text):
        nonlocal mark
        mark += 1
        data = text.encode()
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
        out.write(data)
        out.write(b"\n")
        return mark

    when = 1_600_000_000
    for c in range(a.commits):
        changes = []  # (op, path, mark)
        if c == 0:
            touched = paths
        else:
            touched = [rng.choice(paths) for _ in range(a.edits)]
            if rng.random() < 0.02:  # a new file
                ext = rng.choice(exts)
                p = f"{rng.choice(WORDS)}/{ident(rng)}_{c}.{ext}"
                files[p] = new_file(rng, ext, a.file_kb)
                paths.append(p)
                touched.append(p)
            if rng.random() < 0.01 and len(paths) > 10:  # a deleted file
                p = paths.pop(rng.randrange(len(paths)))
                del files[p]
                changes.append(("D", p, 0))
                touched = [t for t in touched if t != p]
        for p in dict.fromkeys(touched):
            lines = files[p]
            if c > 0:
                ext = p.rsplit(".", 1)[1]
                for _ in range(rng.randint(1, 4)):
                    lines[rng.randrange(len(lines))] = line(rng, ext)
                if rng.random() < 0.5:
                    lines.insert(rng.randrange(len(lines) + 1), line(rng, ext))
        if c in plant_at and paths:
            p = rng.choice([q for q in paths if q.endswith((".py", ".js", ".yaml"))] or paths)
            k = plant_at[c]
            files[p].insert(1, f"API_TOKEN = \"{secret(rng, k)}\"")
            touched.append(p)
            pending_removal[c + rng.randint(1, 5)] = p
            planted += 1
        if c in pending_removal:
            p = pending_removal.pop(c)
            if p in files and len(files[p]) > 1 and files[p][1].startswith("API_TOKEN"):
                del files[p][1]
                touched.append(p)
        for p in dict.fromkeys(touched):
            if p in files:
                changes.append(("M", p, blob("\n".join(files[p]) + "\n")))
        when += 3600
        msg = f"change {c}: {rng.choice(WORDS)} {rng.choice(WORDS)}".encode()
        out.write(b"commit refs/heads/main\n")
        out.write(b"author Bench Author <bench@example.com> %d +0000\n" % when)
        out.write(b"committer Bench Author <bench@example.com> %d +0000\n" % when)
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        for op, p, m in changes:
            if op == "D":
                out.write(b"D %s\n" % p.encode())
            else:
                out.write(b"M 100644 :%d %s\n" % (m, p.encode()))
        out.write(b"\n")
    out.flush()
    print(f"planted: {planted}", file=sys.stderr)


if __name__ == "__main__":
    main()
