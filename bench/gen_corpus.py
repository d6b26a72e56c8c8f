#!/usr/bin/env python3
"""Writes a reproducible synthetic source tree for leakguard's macro benchmark.

    gen_corpus.py OUT_DIR [--size-mb N] [--seed S] [--profile dense|ordinary] [--force]

The tree looks like a monorepo of many small projects: directories of .py .js .ts .go .java
.yaml .json .md .env .properties .tf files whose lines have the shape of real code and config —
identifiers, comments, config keys, URLs, UUIDs, hex digests, base64 blobs (high-entropy text that
is not a secret) and the words key/token/secret/password in identifiers and comments.

Two profiles set how often those occur. Per MB of text (real trees: the text files of Debian 12's
/usr/include, Python 3.11 stdlib, python3 dist-packages, Perl 5.36, node_modules and CMake 3.25
modules; bench/corpus_density.py counts them the same way in all; token and key are about as common
in both profiles as in the densest real tree):

    per MB              secret password credential  URL hex>=32 UUID `= "16+ chars"`
    densest real tree       16       39         21  298      25    1             387
    ordinary               21       39         21  287      22    2             489
    dense                  167      411        165 1318    1099  912            2591

`dense` (the default; byte for byte the corpus of generator version 3) is a stress test: 4 to 900
times the densest real tree in credential words and random values, so the stages after the
Vectorscan pass (confirmation, filters, decoding) run far more often than on real code.
`ordinary` keeps each measure near the densest real tree's (the tree with the most of it), the
rest of the shape unchanged: what ordinary source code looks like to the scanner.

About one FAKE secret per ~200 KiB is planted (GitHub ghp_ tokens, AWS AKIA ids, Slack xoxb-
tokens, Stripe sk_live_ keys, PEM private key blocks, postgres URLs with passwords, generic
`password = "..."` assignments). They are random strings in the providers' formats, valid for
nothing. Each is listed in OUT_DIR/../<name>.planted.tsv as `file<TAB>line<TAB>kind`, where file is
relative to OUT_DIR, line is 1-based (the first line of a PEM block) and kind is the leakguard rule
id expected to report it. OUT_DIR/../<name>.stamp records the parameters; it is written last, so a
tree with a matching stamp is complete and can be reused.

Output depends only on --size-mb, --seed, --profile and this file (Python's random.Random is stable across
versions for the calls used here). Python 3 standard library only.
"""

import argparse
import os
import random
import shutil
import string
import sys
import zlib

GENERATOR_VERSION = 3

# Per-profile rates. None: the dense profile, whose code path draws exactly the random numbers of
# generator version 3 (so its corpora are reused). For `ordinary`: `hot` is the share of
# identifier words taken from HOT_WORDS; each other rate is the chance that a slot for that kind
# of value keeps it (else it holds a plain identifier, or a comment without credential words).
PROFILES = {
    "dense": None,
    "ordinary": {"hot": 0.03, "hex": 0.015, "uuid": 0.002, "b64": 0.15, "url": 0.18,
                 "comment": 0.05},
}
# The ordinary profile draws HOT_WORDS with these weights (real code says "key" and "token" far
# more often than "secret" or "password"), and its plain words leave out "auth" (which real code
# has at a tenth of the rate WORDS would give it).
HOT_WEIGHTS = {"key": 55, "token": 30, "api_key": 4, "access_token": 4, "secret": 2,
               "password": 2, "credential": 2}
PLANT_EVERY = 200 * 1024  # bytes, on average

WORDS = (
    "user account order item price total request response client server config settings handler "
    "cache buffer queue message event payload record row column table index session context result "
    "error status count limit offset page path file name value data list map node tree graph edge "
    "worker task job retry timeout deadline metric label tag version build deploy region zone "
    "bucket object stream reader writer parser customer invoice payment product catalog search "
    "filter sort format encode decode hash digest signature schema model view router route service "
    "provider factory builder manager email address login auth").split()
ORDINARY_WORDS = [w for w in WORDS if w != "auth"]
# Words that make the keyword prefilter fire; real code is full of them.
HOT_WORDS = "token key secret password credential api_key access_token".split()
VERBS = ("get set load save build parse render fetch update delete create find validate handle "
         "process compute resolve apply").split()
MODULES = ("os json logging requests typing express lodash react axios fmt context strings "
           "net/http util core models api internal storage handlers").split()
# Comments without credential words or URLs, for the ordinary profile.
COLD_COMMENTS = [
    "TODO: handle the empty case before the loop",
    "keep this in sync with the schema in migrations/",
    "retry with exponential backoff, capped at the deadline",
    "NOTE: order matters, the first match wins",
    "convert to UTC before comparing timestamps",
    "fall back to the default region when none is configured",
    "this is O(n log n) because of the sort",
    "FIXME: this allocates on every call",
    "the caller holds the lock",
    "empty input is not an error here",
]
COMMENTS = [
    "TODO: handle the empty case before the loop",
    "the upstream service returns 204 when nothing changed",
    "keep this in sync with the schema in migrations/",
    "retry with exponential backoff, capped at the deadline",
    "we cannot use the cached token here because it may have expired",
    "see https://github.com/acme/platform/issues/1234 for the background",
    "NOTE: order matters, the first match wins",
    "convert to UTC before comparing timestamps",
    "the key is the user id, the value the last seen time",
    "fall back to the default region when none is configured",
    "password reset links expire after 24 hours",
    "this is O(n log n) because of the sort",
    "rotate the signing key every 90 days (see runbook)",
    "FIXME: this allocates on every call",
]
HOSTS = ["api.acme.io", "internal.corp.local", "github.com", "registry.npmjs.org",
         "s3.amazonaws.com", "localhost:8080", "db.prod.internal", "cdn.jsdelivr.net",
         "auth.acme.io", "metrics.svc.cluster.local"]

HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B32 = string.ascii_uppercase + "234567"
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase

EXTS = ["py", "js", "ts", "go", "java", "yaml", "json", "md", "env", "properties", "tf"]
EXT_WEIGHTS = [16, 12, 10, 12, 12, 10, 10, 8, 3, 3, 4]
DIRS = ["src", "lib", "pkg", "internal", "config", "deploy", "docs", "scripts", "test", "api"]

PEM_KINDS = ("rsa-private-key", "pkcs8-private-key")
PEM_EXTS = ("py", "md", "yaml", "tf")
KINDS = ["github-pat", "aws-access-key-id", "slack-bot-token", "stripe-secret-key",
         "postgres-connection-string", "generic-password"] + list(PEM_KINDS)


class Gen:
    def __init__(self, seed, profile="dense"):
        self.r = random.Random(seed)
        self.p = PROFILES[profile]
        r = self.r
        # Pools of random-looking values, drawn once: generating every one fresh would make the
        # generator several times slower and changes nothing for the scanner.
        self.uuids = [self.uuid() for _ in range(2000)]
        self.hex40 = [self.chars(HEX, 40) for _ in range(2000)]
        self.hex64 = [self.chars(HEX, 64) for _ in range(2000)]
        self.b64 = [self.chars(B64, r.randrange(40, 160)) for _ in range(2000)]
        self.templates = self._templates()

    # ---- primitives ----
    def keep(self, kind):
        """Whether a slot for `kind` gets one; always in the dense profile (drawing nothing)."""
        return self.p is None or self.r.random() < self.p[kind]

    def pick(self, kind, pool):
        """A value from `pool`, or (ordinary profile, mostly) a plain identifier."""
        return self.r.choice(pool) if self.keep(kind) else self.cold()

    def comment(self):
        return self.r.choice(COMMENTS if self.keep("comment") else COLD_COMMENTS)

    def chars(self, alphabet, n):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def uuid(self):
        c = self.chars
        return f"{c(HEX, 8)}-{c(HEX, 4)}-{c(HEX, 4)}-{c(HEX, 4)}-{c(HEX, 12)}"

    def word(self):
        r = self.r
        if self.p is None:
            return r.choice(HOT_WORDS) if r.random() < 0.04 else r.choice(WORDS)
        if r.random() < self.p["hot"]:
            return r.choices(list(HOT_WEIGHTS), list(HOT_WEIGHTS.values()))[0]
        return r.choice(ORDINARY_WORDS)

    def snake(self):
        s = self.word()
        return s + "_" + self.word() if self.r.random() < 0.6 else s

    def cold(self):
        """An identifier without key/token/secret/password: used as the name of a random value
        (such a name on a random high-entropy value *is* a plausible secret; we plant those
        deliberately and count the rest as false positives)."""
        r = self.r
        return r.choice(WORDS) + "_" + r.choice(WORDS) if r.random() < 0.6 else r.choice(WORDS)

    def camel(self, upper=False):
        s = self.r.choice(VERBS) + "".join(p.capitalize() for p in self.word().split("_"))
        return s[0].upper() + s[1:] if upper else s

    def num(self):
        return str(self.r.randrange(100 if self.r.random() < 0.8 else 100000))

    def url(self):
        r = self.r
        if not self.keep("url"):
            return self.snake()
        return f"https://{r.choice(HOSTS)}/v{r.randrange(1, 4)}/{self.snake()}/{self.num()}"

    def value(self):
        r = self.r
        k = r.randrange(9)
        if k == 0: return self.num()
        if k == 1: return r.choice(["true", "false"])
        if k == 2: return self.url()
        if k == 3: return self.pick("uuid", self.uuids)
        if k == 4: return self.pick("hex", self.hex40 if r.random() < 0.5 else self.hex64)
        if k == 5: return self.snake()
        if k == 6: return r.choice(HOSTS)
        if k == 7: return self.pick("b64", self.b64)
        return '"' + self.comment()[:r.randrange(12, 40)] + '"'

    # ---- one line of each file type (without its newline) ----
    def line(self, ext):
        t = self.templates[ext]
        return t[self.r.randrange(len(t))](" " * (4 * self.r.randrange(3)))

    def _templates(self):
        r, sn, cm, num, val, url = self.r, self.snake, self.camel, self.num, self.value, self.url
        cold = self.cold
        com = self.comment
        hex40 = lambda: self.pick("hex", self.hex40)
        hex64 = lambda: self.pick("hex", self.hex64)
        uuid = lambda: self.pick("uuid", self.uuids)
        b64 = lambda: self.pick("b64", self.b64)
        # A package-lock style integrity hash, or (ordinary profile, mostly) a version range.
        integrity = lambda: (f"sha512-{r.choice(self.b64)}==" if self.keep("b64")
                             else f"^{r.randrange(1, 9)}.{num()}.0")
        py = [
            lambda i: f"def {sn()}(self, {sn()}, {sn()}={num()}):",
            lambda i: f"{i}{sn()} = self.{sn()}.get(\"{sn()}\", {num()})",
            lambda i: f"{i}# {com()}",
            lambda i: f"{i}return {sn()}({sn()}, timeout={num()})",
            lambda i: f"from {r.choice(MODULES).replace('/', '.')} import {cm(True)}",
            lambda i: f"{i}logger.info(\"{com()} %s\", {sn()})",
            lambda i: f"{i}if {sn()} is None or len({sn()}) > {num()}:",
            lambda i: f"{i}{sn()} = os.environ.get(\"{sn().upper()}\")",
            lambda i: f"{i}{sn()} = \"{hex40()}\"",
            lambda i: "",
        ]
        js = [
            lambda i: f"const {cm()} = require('{r.choice(MODULES)}');",
            lambda i: f"export async function {cm()}({cm()}, opts) {{",
            lambda i: f"{i}const res = await fetch(`{url()}`, {{ method: 'POST' }});",
            lambda i: f"{i}if ({cm()}.{cm()} === undefined) {{ return null; }}",
            lambda i: f"{i}// {com()}",
            lambda i: f"{i}this.{cm()} = {cm()}({cm()}, {num()});",
            lambda i: f"{i}\"{sn()}\": \"{integrity()}\",",
            lambda i: f"{i}const {cm()} = '{uuid()}';",
            lambda i: f"{i}{cm()}.push({{ id: {num()}, name: '{sn()}' }});",
            lambda i: "}",
        ]
        ts = js[:1] + [
            lambda i: f"export async function {cm()}({cm()}: {cm(True)}): Promise<{cm(True)}> {{",
            lambda i: f"{i}private readonly {cm()}: Map<string, {cm(True)}> = new Map();",
            lambda i: f"export interface {cm(True)} {{ {cm()}: string; {cm()}?: number }}",
        ] + js[2:]
        go = [
            lambda i: f"func (s *{cm(True)}) {cm(True)}(ctx context.Context, "
                      f"{cm()} string) (*{cm(True)}, error) {{",
            lambda i: "\tif err != nil {",
            lambda i: f"\t\treturn nil, fmt.Errorf(\"{sn()}: %w\", err)",
            lambda i: f"\t{cm()} := make(map[string]int, {num()})",
            lambda i: f"\t// {com()}",
            lambda i: f"\t{cm()}, err := s.{cm()}.{cm(True)}(ctx, {cm()})",
            lambda i: f"\t\"{r.choice(MODULES)}\"",
            lambda i: f"\tconst {cm()} = \"{hex64()}\"",
            lambda i: "\t}",
            lambda i: "}",
        ]
        java = [
            lambda i: f"import com.acme.{sn()}.{cm(True)};",
            lambda i: f"    private final {cm(True)} {cm()};",
            lambda i: f"    public {cm(True)} {cm()}() {{ return this.{cm()}; }}",
            lambda i: f"        /* {com()} */",
            lambda i: f"        {cm(True)} {cm()} = new {cm(True)}({num()}, \"{sn()}\");",
            lambda i: "    @Override",
            lambda i: f"        log.debug(\"{com()}: {{}}\", {cm()});",
            lambda i: f"        if ({cm()} == null) throw new IllegalStateException(\"{sn()}\");",
            lambda i: "        }",
            lambda i: "    }",
        ]
        yaml = [
            lambda i: f"{sn()}:",
            lambda i: f"  {cold()}: {val()}",
            lambda i: f"    - name: {sn()}",
            lambda i: f"      value: {val()}",
            lambda i: f"  image: registry.{r.choice(HOSTS)}/{sn()}:1.{num()}",
            lambda i: f"# {com()}",
            lambda i: f"  checksum: sha256:{hex64()}",
            lambda i: f"  {cold()}: {val()}",
            lambda i: f"  url: {url()}",
            lambda i: f"  replicas: {num()}",
        ]
        json_ = [
            lambda i: f"  \"{cm()}\": \"{uuid()}\",",
            lambda i: f"  \"{cm()}\": {num()},",
            lambda i: f"  \"{sn()}\": \"{url()}\",",
            lambda i: f"  \"data\": \"{b64()}\",",
            lambda i: f"  \"{sn()}\": {{\"id\": \"{hex40()}\"}},",
            lambda i: f"  \"{cm()}\": \"{sn()}\",",
            lambda i: f"  \"{cm()}\": {r.choice(['true', 'false', 'null'])},",
            lambda i: f"  \"{sn()}\": [{num()}, {num()}, {num()}],",
            lambda i: f"  \"integrity\": \"{integrity()}\",",
            lambda i: f"  \"{cm()}\": \"{com()}\",",
        ]
        md = [
            lambda i: f"## {com().capitalize()}",
            lambda i: f"{com().capitalize()}. See [{sn()}]({url()}).",
            lambda i: "",
            lambda i: f"- `{sn()}`: {com()}",
            lambda i: f"    {sn()} --{cold().replace('_', '-')}={val()}",
            lambda i: f"The `{cm()}` call: {com()}.",
            lambda i: "```",
            lambda i: f"| {cold()} | {num()} | {val()} |",
            lambda i: f"> {com()}",
            lambda i: f"{com().capitalize()}; {com()}.",
        ]
        env = [
            lambda i: f"{cold().upper()}={val()}",
            lambda i: f"{cold().upper()}={val()}",
            lambda i: f"# {com()}",
            lambda i: "",
        ]
        props = [
            lambda i: f"{cold().replace('_', '.')}={val()}",
            lambda i: f"# {com()}",
            lambda i: f"{cm()}.{sn()}={num()}",
        ]
        tf = [
            lambda i: f"resource \"aws_{sn()}\" \"{sn()}\" {{",
            lambda i: f"  {sn()} = \"{sn()}\"",
            lambda i: f"  {sn()} = {num()}",
            lambda i: f"  {sn()} = var.{sn()}",
            lambda i: f"  # {com()}",
            lambda i: f"  tags = {{ Name = \"{sn()}\", Env = \"prod\" }}",
            lambda i: f"  arn = \"arn:aws:iam::{self.chars(string.digits, 12)}:role/{sn()}\"",
            lambda i: f"  {sn()} = \"{uuid()}\"",
            lambda i: "}",
            lambda i: "",
        ]
        return {"py": py, "js": js, "ts": ts, "go": go, "java": java, "yaml": yaml,
                "json": json_, "md": md, "env": env, "properties": props, "tf": tf}

    # ---- planted secrets ----
    def secret_value(self, kind):
        c = self.chars
        if kind == "github-pat":  # 30 random base62 chars + base62(CRC32) of them, as GitHub does
            body = c(ALNUM, 30)
            crc, digits = zlib.crc32(body.encode()), ""
            while crc:
                crc, d = divmod(crc, 62)
                digits = BASE62[d] + digits
            return "ghp_" + body + digits.rjust(6, "0")
        if kind == "aws-access-key-id": return "AKIA" + c(B32, 16)
        if kind == "slack-bot-token":
            return f"xoxb-{c(string.digits, 12)}-{c(string.digits, 13)}-{c(ALNUM, 24)}"
        if kind == "stripe-secret-key": return "sk_live_" + c(ALNUM, 32)
        if kind == "postgres-connection-string":
            return f"postgres://{self.r.choice(['app', 'svc_api', 'billing'])}:{c(ALNUM, 20)}" \
                   f"@{self.r.choice(['db.prod.internal', '10.0.3.17'])}:5432/{self.r.choice(WORDS)}"
        if kind == "generic-password":
            # Letters, digits and a symbol, like a human-chosen password that passes a policy.
            return c(ALNUM, 6) + self.r.choice("!#%&*+") + c(ALNUM, 5) + c(string.digits, 2)
        # "MIIE": a DER SEQUENCE header, as every real key body starts (the engine drops PEM bodies
        # that are not DER).
        body = ["MIIE" + c(B64, 60)] + [c(B64, 64) for _ in range(self.r.randrange(17, 25))] + \
               [c(B64, 40) + "=="]
        label = "RSA PRIVATE KEY" if kind == "rsa-private-key" else "PRIVATE KEY"
        return [f"-----BEGIN {label}-----"] + body + [f"-----END {label}-----"]

    def secret_lines(self, kind, ext):
        """Lines holding a secret of `kind` as it would appear in a file of `ext`; the secret is
        on the first line."""
        v = self.secret_value(kind)
        name = {"github-pat": "GITHUB_TOKEN", "aws-access-key-id": "AWS_ACCESS_KEY_ID",
                "slack-bot-token": "SLACK_BOT_TOKEN", "stripe-secret-key": "STRIPE_API_KEY",
                "postgres-connection-string": "DATABASE_URL", "generic-password": "DB_PASSWORD",
                }.get(kind, "PRIVATE_KEY")
        if isinstance(v, list):  # PEM block
            if ext == "py": return [f'{name} = """{v[0]}'] + v[1:-1] + [v[-1] + '"""']
            if ext == "yaml": return ["  " + x for x in v]  # under `private_key: |`
            if ext == "tf": return v + ["EOF"]  # after `private_key = <<EOF`
            return v  # md: a bare block, as pasted into a README
        low = name.lower()
        if ext == "py": return [f'{name} = "{v}"']
        if ext in ("js", "ts"): return [f'const {name} = "{v}";']
        if ext == "go": return [f'\t{low} := "{v}"']
        if ext == "java": return [f'    private static final String {name} = "{v}";']
        if ext == "yaml": return [f"  {low}: {v}"]
        if ext == "json": return [f'  "{low}": "{v}",']
        if ext == "md": return [f"    export {name}={v}"]
        if ext == "env": return [f"{name}={v}"]
        if ext == "properties": return [f"{low.replace('_', '.')}={v}"]
        return [f'  {low} = "{v}"']  # tf


def file_size(r):
    x = r.random()
    if x < 0.70: return r.randrange(1 << 10, 8 << 10)
    if x < 0.95: return r.randrange(8 << 10, 64 << 10)
    return r.randrange(64 << 10, 512 << 10)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--size-mb", type=int, default=300, help="total size in MiB (default 300)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="dense",
                    help="how dense credential words and random values are (default dense)")
    ap.add_argument("--force", action="store_true",
                    help="replace OUT_DIR even if it was not written by this script")
    args = ap.parse_args()

    out = os.path.abspath(args.out_dir.rstrip("/"))
    name = os.path.basename(out)
    parent = os.path.dirname(out)
    manifest = os.path.join(parent, name + ".planted.tsv")
    stamp = os.path.join(parent, name + ".stamp")
    if os.path.exists(out) and os.listdir(out):
        if not (args.force or os.path.exists(stamp)):
            sys.exit(f"gen_corpus: {out} exists and was not written by gen_corpus.py "
                     f"(no {stamp}); use --force to replace it")
        shutil.rmtree(out)
    for p in (stamp, manifest):
        if os.path.exists(p):
            os.remove(p)
    os.makedirs(out, exist_ok=True)

    g = Gen(args.seed, args.profile)
    r = g.r
    target = args.size_mb << 20
    written = 0
    next_plant = r.randrange(PLANT_EVERY // 2, PLANT_EVERY * 3 // 2)
    planted = []
    n_files = 0
    project = -1
    dir_path, dir_left, proj_left = None, 0, 0

    while written < target:
        if proj_left <= 0:
            project += 1
            proj_left = r.randrange(50, 400)
            proj_name = f"{r.choice(WORDS)}-{r.choice(WORDS)}-{project:04d}"
        if dir_left <= 0:
            parts = [proj_name, r.choice(DIRS)] + [g.snake() for _ in range(r.randrange(0, 3))]
            dir_path = os.path.join(*parts)
            os.makedirs(os.path.join(out, dir_path), exist_ok=True)
            dir_left = r.randrange(3, 40)
        dir_left -= 1
        proj_left -= 1

        ext = r.choices(EXTS, EXT_WEIGHTS)[0]
        if ext == "env":  # dotfiles, as real ones are named
            base = f".env.{r.choice(['local', 'prod', 'staging', 'dev'])}.{n_files}"
        else:
            base = f"{g.snake()}_{n_files}.{ext}"
        rel = os.path.join(dir_path, base)
        n_files += 1

        size = min(file_size(r), max(target - written, 256))
        lines = []
        nbytes = 0
        if ext == "json":
            lines.append("{")
        while nbytes < size:
            if written + nbytes >= next_plant:
                kinds = KINDS if ext in PEM_EXTS else KINDS[:-len(PEM_KINDS)]
                kind = r.choice(kinds)
                sl = g.secret_lines(kind, ext)
                if kind in PEM_KINDS and ext in ("yaml", "tf"):
                    lines.append("private_key: |" if ext == "yaml" else "  private_key = <<EOF")
                    nbytes += len(lines[-1]) + 1
                planted.append((rel, len(lines) + 1, kind))
                lines.extend(sl)
                nbytes += sum(len(x) + 1 for x in sl)
                next_plant += r.randrange(PLANT_EVERY // 2, PLANT_EVERY * 3 // 2)
                continue
            ln = g.line(ext)
            lines.append(ln)
            nbytes += len(ln) + 1
        if ext == "json":
            lines.append('  "end": true')
            lines.append("}")
        text = "\n".join(lines) + "\n"
        with open(os.path.join(out, rel), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        written += len(text)

    with open(manifest, "w", encoding="utf-8") as f:
        f.write("file\tline\tkind\n")
        for rel, line, kind in planted:
            f.write(f"{rel}\t{line}\t{kind}\n")
    with open(stamp, "w", encoding="utf-8") as f:
        profile = "" if args.profile == "dense" else f" profile={args.profile}"
        f.write(f"size_mb={args.size_mb} seed={args.seed} version={GENERATOR_VERSION}{profile}\n")
    print(f"gen_corpus: {n_files} files, {written / 1e6:.1f} MB, {len(planted)} planted secrets "
          f"-> {out}; manifest {manifest}", file=sys.stderr)


if __name__ == "__main__":
    main()
