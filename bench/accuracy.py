#!/usr/bin/env python3
"""Scores leakguard's findings on the labelled accuracy corpus (bench/gen_accuracy.py).

    accuracy.py CORPUS_DIR FINDINGS_JSON [--labels PATH] [--check] [--markdown] [--list N]
    accuracy.py --leakguard BIN [CORPUS_DIR] [--check] [--markdown] [--list N]

The first form scores an existing report: FINDINGS_JSON is the output of
`leakguard scan CORPUS_DIR -f json --no-redact [--explain]`, the labels are CORPUS_DIR.labels.json
unless --labels says otherwise. The second form generates the corpus (into CORPUS_DIR, default a
temp dir), scans it with BIN and scores the result.

Matching, per reported finding (candidates that `--explain` lists as dropped are not findings;
they are used only to say why a planted secret was missed):
  * same file (and notebook cell), line within a planted snippet, secret equal to the planted one
    or one containing the other -> the planted positive is found (true positive); if no finding on
    it has the expected rule id, it is also listed as a rule mismatch
  * inside a planted snippet, another secret that the reported rule's own regex (Python re)
    extracts from the snippet (a rule example holding two tokens, a key id beside its secret)
    -> true positive ("incidental"), not counted in recall
  * on a hard-negative line -> false positive (by kind)
  * anything else -> unlabelled: a corpus bug or a false positive; counted against precision
Recall = planted positives found / planted positives. Precision = true-positive findings / all
findings. Per rule family (the rule's second tag): recall over the positives planted for rules of
that family, precision over the findings of rules of that family.

--check exits 1 when recall is below --min-recall (default 0.98) or any hard negative is reported.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def family_of(f):
    tags = f.get("tags") or []
    return tags[1] if len(tags) > 1 else (tags[0] if tags else "other")


def overlaps(a, b):
    return bool(a) and bool(b) and (a == b or a in b or b in a)


def rel(path, corpus):
    """A reported path relative to the corpus root (leakguard prints paths as it was given them)."""
    if path.startswith("./"):
        path = path[2:]
    for root in (os.path.abspath(corpus), os.path.normpath(corpus)):
        root = root.rstrip("/") + "/"
        if path.startswith(root):
            return path[len(root):]
    return path


def span_of(label):
    """(cell or None, first line, last line) of a label, in the coordinates a finding uses."""
    if "cell" in label:
        return label["cell"], label["cell_start_line"], label["cell_end_line"]
    return None, label.get("start_line", label["line"]), label["end_line"]


def on_label(f, label):
    cell, lo, hi = span_of(label)
    if cell is not None:
        return f.get("cell") == cell and lo <= f["line"] <= hi
    return f.get("cell") is None and lo <= f["line"] <= hi


class Incidental:
    """Decides whether a finding inside a planted snippet is another real secret of the snippet:
    the reported rule's own regex extracts it from the snippet's text."""

    def __init__(self, repo, corpus):
        sys.path.insert(0, HERE)
        import gen_accuracy  # noqa: E402  (same directory)
        self.rules = {r.id: r for r in gen_accuracy.load_rules(repo)[0]}
        self.corpus, self.files = corpus, {}

    def block(self, label):
        path = os.path.join(self.corpus, label["file"])
        if path not in self.files:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if path.endswith(".ipynb"):
                cells = json.loads(text)["cells"]
                self.files[path] = [("".join(c["source"]) if isinstance(c["source"], list) else c["source"]).split("\n")
                                    for c in cells]
            else:
                self.files[path] = text.split("\n")
        cell, lo, hi = span_of(label)
        lines = self.files[path][cell - 1] if cell is not None else self.files[path]
        return "\n".join(lines[lo - 1:hi])

    def __call__(self, f, label):
        rule = self.rules.get(f["rule_id"])
        return rule is not None and rule.regex is not None and rule.finds(self.block(label), f.get("secret"))


def score(corpus, labels, report, incidental):
    by_file = collections.defaultdict(lambda: {"pos": [], "neg": []})
    for i, p in enumerate(labels["positives"]):
        p["_i"] = i
        by_file[p["file"]]["pos"].append(p)
    for n in labels["negatives"]:
        by_file[n["file"]]["neg"].append(n)

    found = collections.defaultdict(list)  # positive index -> findings
    dropped = collections.defaultdict(list)  # positive index -> dropped candidates
    tp_findings, fp, unlabelled, colocated = [], [], [], []
    for f in report.get("findings", []):
        f = dict(f)
        f["file"] = rel(f["file"], corpus)
        lab = by_file.get(f["file"], {"pos": [], "neg": []})
        hit = [p for p in lab["pos"] if on_label(f, p) and
               (overlaps(f.get("secret"), p["secret"]) or overlaps(f.get("secret"), p.get("encoded")))]
        if "dropped_by" in f:
            for p in hit:
                dropped[p["_i"]].append(f)
            continue
        if hit:
            for p in hit:
                found[p["_i"]].append(f)
            tp_findings.append(f)
            continue
        around = [p for p in lab["pos"] if on_label(f, p)]
        if any(incidental(f, p) for p in around):
            f["incidental"] = True
            tp_findings.append(f)
            continue
        neg = next((n for n in lab["neg"] if on_label(f, n)), None)
        if neg is not None:
            fp.append((f, neg))
            continue
        if around:
            colocated.append(f)
        unlabelled.append(f)

    positives = labels["positives"]
    misses = [p for p in positives if p["_i"] not in found]
    # A generic planting (any_rule) may be found by any rule.
    mismatch = [(p, found[p["_i"]]) for p in positives
                if p["_i"] in found and not p.get("any_rule")
                and not any(f["rule_id"] == p["rule"] for f in found[p["_i"]])]
    return dict(positives=positives, found=found, dropped=dropped, tp=tp_findings, fp=fp,
                unlabelled=unlabelled, colocated=colocated, misses=misses, mismatch=mismatch)


def prf(tp_pos, n_pos, tp_find, n_find):
    r = tp_pos / n_pos if n_pos else float("nan")
    p = tp_find / n_find if n_find else float("nan")
    f1 = 2 * p * r / (p + r) if n_pos and n_find and (p + r) else float("nan")
    return p, r, f1


def pct(x):
    return "  n/a" if x != x else "%5.1f" % (100 * x)


def table(res, labels, markdown):
    pos = res["positives"]
    fam_pos = collections.Counter(p["family"] for p in pos)
    fam_found = collections.Counter(p["family"] for p in pos if p["_i"] in res["found"])
    fam_tp = collections.Counter(family_of(f) for f in res["tp"])
    fam_all = collections.Counter(family_of(f) for f in res["tp"] + [x[0] for x in res["fp"]] + res["unlabelled"])
    fam_fp = collections.Counter(family_of(x[0]) for x in res["fp"])
    fam_un = collections.Counter(family_of(f) for f in res["unlabelled"])
    rows = []
    for fam in sorted(set(fam_pos) | set(fam_all)):
        p, r, f1 = prf(fam_found[fam], fam_pos[fam], fam_tp[fam], fam_all[fam])
        rows.append((fam, fam_pos[fam], fam_found[fam], fam_all[fam], fam_fp[fam], fam_un[fam], p, r, f1))
    n_all = len(res["tp"]) + len(res["fp"]) + len(res["unlabelled"])
    p, r, f1 = prf(len(pos) - len(res["misses"]), len(pos), len(res["tp"]), n_all)
    rows.append(("all", len(pos), len(pos) - len(res["misses"]), n_all, len(res["fp"]),
                 len(res["unlabelled"]), p, r, f1))
    head = ("family", "planted", "found", "findings", "FP (hard neg)", "unlabelled", "precision %",
            "recall %", "F1 %")
    out = []
    if markdown:
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for row in rows:
            cells = [("**%s**" % row[0]) if row[0] == "all" else row[0]] + [str(x) for x in row[1:6]] + \
                    [pct(x).strip() for x in row[6:]]
            out.append("| " + " | ".join(cells) + " |")
    else:
        fmt = "%-14s %8s %6s %9s %13s %11s %12s %9s %6s"
        out.append(fmt % head)
        for row in rows:
            out.append(fmt % (row[:6] + tuple(pct(x) for x in row[6:])))
    return "\n".join(out)


def details(res, labels, limit):
    out = []
    pos = res["positives"]
    # Recall by planting source and host language.
    for key in ("source", "lang"):
        tot = collections.Counter(p[key] for p in pos)
        got = collections.Counter(p[key] for p in pos if p["_i"] in res["found"])
        out.append("recall by %s: " % key + ", ".join(
            "%s %d/%d" % (k, got[k], tot[k]) for k in sorted(tot, key=lambda k: (got[k] / tot[k], k))))
    negk = collections.Counter(n["kind"] for n in labels["negatives"])
    fpk = collections.Counter(n["kind"] for _, n in res["fp"])
    out.append("hard negatives reported, by kind: " + ", ".join(
        "%s %d/%d" % (k, fpk[k], negk[k]) for k in sorted(negk)))
    out.append("")

    def cap(items):
        return items if limit <= 0 else items[:limit]

    by_rule = collections.defaultdict(list)
    for p in res["misses"]:
        by_rule[p["rule"]].append(p)
    out.append("MISSES (%d planted secrets in %d rules):" % (len(res["misses"]), len(by_rule)))
    for rule in sorted(by_rule, key=lambda r: (-len(by_rule[r]), r)):
        ps = by_rule[rule]
        out.append("  %s [%s]: %d missed" % (rule, ps[0]["family"], len(ps)))
        for p in cap(ps):
            why = sorted({"%s (%s: %s)" % (d.get("dropped_by"), d["rule_id"], d.get("drop_detail", ""))
                          for d in res["dropped"].get(p["_i"], [])})
            loc = "%s:%d" % (p["file"], p.get("cell_line", p["line"])) + \
                  (" cell %d" % p["cell"] if "cell" in p else "")
            out.append("    %s  %s/%s  %s  -> %s" % (loc, p["source"], p["lang"], p["secret"][:80],
                                                    "; ".join(why) if why else "no candidate"))
    out.append("")
    out.append("RULE MISMATCHES (found, but not by the expected rule): %d" % len(res["mismatch"]))
    mm = collections.Counter((p["rule"] + " (" + p["source"] + ")", ",".join(sorted({f["rule_id"] for f in fs})))
                             for p, fs in res["mismatch"])
    for (exp, got), n in sorted(mm.items(), key=lambda x: (-x[1], x[0])):
        out.append("  expected %s, reported as %s: %d" % (exp, got, n))
    out.append("")
    out.append("FALSE POSITIVES on hard negatives: %d" % len(res["fp"]))
    by_kind = collections.defaultdict(list)
    for f, n in res["fp"]:
        by_kind[n["kind"]].append((f, n))
    for kind in sorted(by_kind):
        rules = collections.Counter(f["rule_id"] for f, _ in by_kind[kind])
        out.append("  %s: %d (%s)" % (kind, len(by_kind[kind]), ", ".join(
            "%s %d" % kv for kv in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])))))
        seen = set()
        for f, n in by_kind[kind]:
            key = (f["rule_id"], n["text"])
            if key in seen:
                continue
            seen.add(key)
            if limit > 0 and len(seen) > limit:
                break
            out.append("    %s:%d  %s  %s" % (f["file"], f["line"], f["rule_id"], n["text"].split("\n")[0][:110]))
    out.append("")
    out.append("UNLABELLED findings (corpus bugs or false positives): %d, %d of them inside planted snippets" % (
        len(res["unlabelled"]), len(res["colocated"])))
    rules = collections.Counter(f["rule_id"] for f in res["unlabelled"])
    if rules:
        out.append("  by rule: " + ", ".join("%s %d" % kv for kv in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))))
    for f in cap(res["unlabelled"]):
        out.append("    %s:%d%s  %s  %s" % (f["file"], f["line"], " cell %d" % f["cell"] if "cell" in f else "",
                                           f["rule_id"], f.get("secret", "")[:80]))
    if labels.get("skipped_rules"):
        out.append("")
        out.append("RULES WITH NO PLANTED SECRET: " + ", ".join(
            "%s (%s)" % kv for kv in sorted(labels["skipped_rules"].items())))
    if labels.get("dropped_examples"):
        out.append("EXAMPLES NOT PLANTED: " + ", ".join(
            "%s (%s)" % (d["rule"], d["why"]) for d in labels["dropped_examples"]))
    return "\n".join(out)


def run_leakguard(binary, corpus, findings):
    cmd = [binary, "scan", corpus, "-f", "json", "--no-redact", "--explain", "--exit-code", "0",
           "-q", "--no-ignore-files", "-o", findings]
    r = subprocess.run(cmd)
    if r.returncode != 0:
        sys.exit("accuracy: %s exited with %d" % (" ".join(cmd), r.returncode))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?")
    ap.add_argument("findings", nargs="?")
    ap.add_argument("--labels")
    ap.add_argument("--leakguard", help="generate the corpus, scan it with this binary, score")
    ap.add_argument("--repo", default=os.path.join(HERE, ".."), help="leakguard source tree (rules)")
    ap.add_argument("--check", action="store_true", help="exit 1 below --min-recall or on any hard-negative finding")
    ap.add_argument("--min-recall", type=float, default=0.98)
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--list", type=int, default=0, help="list at most N items per rule/kind (0 = all)")
    args = ap.parse_args()

    tmp = None
    if args.leakguard:
        if args.corpus is None:
            tmp = tempfile.TemporaryDirectory(prefix="lg-accuracy-")
            args.corpus = os.path.join(tmp.name, "corpus")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_accuracy.py"), args.corpus, "--force",
                        "--repo", args.repo], check=True)
        args.findings = os.path.abspath(args.corpus) + ".findings.json"
        run_leakguard(args.leakguard, args.corpus, args.findings)
    elif not (args.corpus and args.findings):
        ap.error("give CORPUS_DIR FINDINGS_JSON, or --leakguard BIN")
    labels_path = args.labels or os.path.abspath(args.corpus) + ".labels.json"
    with open(labels_path) as f:
        labels = json.load(f)
    with open(args.findings) as f:
        report = json.load(f)
    res = score(args.corpus, labels, report, Incidental(args.repo, args.corpus))
    print(details(res, labels, args.list))
    print()
    print(table(res, labels, args.markdown))
    n = len(res["positives"])
    recall = (n - len(res["misses"])) / n if n else 0.0
    print("\nrecall %.2f%% (%d/%d planted), %d hard negatives reported, %d unlabelled findings" % (
        100 * recall, n - len(res["misses"]), n, len(res["fp"]), len(res["unlabelled"])))
    if tmp:
        tmp.cleanup()
    if args.check:
        failed = []
        if recall < args.min_recall:
            failed.append("recall %.2f%% < %.2f%%" % (100 * recall, 100 * args.min_recall))
        if res["fp"]:
            failed.append("%d hard negatives reported" % len(res["fp"]))
        if failed:
            print("FAIL: " + "; ".join(failed))
            return 1
        print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
