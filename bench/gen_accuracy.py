#!/usr/bin/env python3
"""Writes leakguard's labelled accuracy corpus: realistic files with planted FAKE secrets of every
built-in rule and hard negatives (look-alikes that must not be reported).

    gen_accuracy.py OUT_DIR [--repo ROOT] [--seed S] [--force]

OUT_DIR receives the corpus tree and OUT_DIR/../<name>.labels.json (kept outside the scanned tree
so the labels are not scanned themselves). Labels:
  positives  every planted secret: file, line (1-based, where the secret starts), end_line (last
             line of the planted snippet), rule (expected rule id), family (the rule's second tag,
             else its first), secret, source (example | derived | fresh | encoded), lang; for a
             notebook also cell (1-based) and cell_line (line within the cell's source).
  negatives  every hard negative: file, line, end_line, kind, text
  rules      every rule seen, with its family and how many positives were planted; skipped_rules
             says why a rule got none (no examples file, ...)

Positives:
  * example  each positive example of rules/tests/<rule-id>.toml, its `text` embedded verbatim in
             a file of the matching syntax (YAML snippet in a YAML config, HCL block in a .tf ...)
  * derived  each example's secret assigned to a name made from the rule's id and keywords, in
             two or three other languages (Python, Go, .env, JSON, ...)
  * context  each example's secret where code uses it rather than assigns it: a client
             constructor, an Authorization header, a CLI flag, a URL query, a comment, a log line,
             a minified JS bundle (one long line)
  * fresh    new tokens of the checksummed formats (GitHub ghp_/gho_/ghu_/ghs_/ghr_ and npm_:
             30 random base62 chars + the base62 CRC32 of them, zero-padded to 6)
  * generic  random passwords and keys assigned to secret-named variables in every language
             (family "generic", any rule may find them: not checked against a regex, they measure
             the generic rules' coverage)
  * encoded  a few tokens base64-encoded in a Kubernetes Secret's `data:` (decoding)
Some files have Windows line ends, a UTF-8 byte-order mark or no final newline.
The rules are discovered from rules/default.toml at run time, so new rules are covered as soon as
they have an examples file. A derived or moved planting is kept only if the rule's own regex
(Python `re`, which accepts the RE2 subset the rules use) still extracts the secret in its final
file: a planting that lacks the context its rule documents would be a corpus bug, not a miss.

Hard negatives (kinds): example-key (documented example keys: AWS's AKIAIOSFODNN7EXAMPLE, jwt.io's
token), wrong-checksum (GitHub/npm tokens whose CRC32 suffix is wrong), placeholder (xxxx, <token>,
YOUR_API_KEY, changeme, masked and truncated tokens, user:password@ URLs), env-lookup (os.environ,
process.env, ${VAR}, secret-manager references: vault:, op://, {{resolve:...}}, ARNs), template
({{ }}, ${ }, %(x)s, #{ }, <%= %>), hash (SHA-1/256/512 hex, git SHAs, bcrypt, lockfile integrity
and h1:/sha256: hashes, SRI, image digests), uuid, public-key (ssh-rsa/ed25519/ecdsa, PUBLIC KEY and
CERTIFICATE blocks, DER public keys, JWKS, known_hosts, Stripe publishable keys, public Sentry
DSNs, age recipients), encrypted (SOPS ENC[...], jasypt ENC(...), Ansible Vault, SealedSecrets),
pattern (a token regex in code) and word-like (identifiers, getPassword(), self.password, header
names). Besides the negatives mixed into every file there are whole files of them: lockfiles
(package-lock.json, yarn.lock, go.sum, poetry.lock, Cargo.lock, .terraform.lock.hcl), known_hosts,
an HTML page with SRI hashes, a JWKS, SOPS/Ansible Vault/SealedSecret files.

GitHub fine-grained tokens (github_pat_) have no documented checksum, so there are no
wrong-checksum negatives for them.

Deterministic: the output depends only on --seed, the rules and their examples, and this file.
Python 3.11+ standard library only. Every secret here is random and valid for nothing.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import re
import shutil
import string
import sys
import tomllib
import zlib

GENERATOR_VERSION = 1
DEFAULT_SEED = 4242
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits

# --------------------------------------------------------------------------------------------
# Rules and their examples


class Rule:
    def __init__(self, d):
        self.id = d["id"]
        self.tags = d.get("tags", [])
        self.family = self.tags[1] if len(self.tags) > 1 else (self.tags[0] if self.tags else "other")
        self.keywords = [k.lower() for k in d.get("keywords", [])]
        self.secret_group = d.get("secretGroup", 0)
        self.regex_src = d.get("regex")
        self.regex = None
        if self.regex_src:
            try:
                self.regex = re.compile(self.regex_src)
            except re.error:
                self.regex = None  # RE2-only syntax: verbatim examples only, no oracle
        self.examples = []  # (text, secret)

    def extract(self, text, low=None):
        """(start, secret) for each match of the rule's regex in text, secret chosen like the
        engine: secretGroup, else the first non-empty group, else the whole match. `low` is
        text.lower(), when the caller has it."""
        out = []
        if self.regex is None:
            return out
        if self.keywords:
            if low is None:
                low = text.lower()
            if not any(k in low for k in self.keywords):
                return out
        for m in self.regex.finditer(text):
            g = 0
            if self.secret_group:
                g = self.secret_group
            else:
                for i in range(1, (m.lastindex or 0) + 1):
                    if m.group(i):
                        g = i
                        break
                if not g and m.re.groups:
                    for i in range(1, m.re.groups + 1):
                        if m.group(i):
                            g = i
                            break
            s = m.group(g)
            if s:
                out.append((m.start(g), s))
        return out

    def finds(self, text, secret, at=None):
        if self.regex is None:
            return at is None
        for start, s in self.extract(text):
            if s == secret and (at is None or start == at):
                return True
        return False


def load_rules(root):
    with open(os.path.join(root, "rules", "default.toml"), "rb") as f:
        data = tomllib.load(f)
    rules, skipped = [], {}
    for d in data.get("rules", []):
        r = Rule(d)
        if not r.regex_src:
            skipped[r.id] = "path-only rule (no regex)"
            continue
        path = os.path.join(root, "rules", "tests", r.id + ".toml")
        if not os.path.exists(path):
            skipped[r.id] = "no rules/tests/%s.toml" % r.id
            rules.append(r)
            continue
        with open(path, "rb") as f:
            ex = tomllib.load(f)
        for p in ex.get("positive", []):
            if p.get("text") and p.get("secret") and p["secret"] in p["text"]:
                r.examples.append((p["text"], p["secret"]))
        if not r.examples:
            skipped[r.id] = "no usable positive example"
        rules.append(r)
    return rules, skipped


# --------------------------------------------------------------------------------------------
# Languages: where a snippet goes, what surrounds it, how a name is assigned a value.


def snake(words):
    return "_".join(words).lower()


def upper(words):
    return "_".join(words).upper()


def camel(words):
    return words[0].lower() + "".join(w.capitalize() for w in words[1:])


def pascal(words):
    return "".join(w.capitalize() for w in words)


def dq(v):
    return '"' + v + '"'


class Lang:
    def __init__(self, name, paths, pre, post, filler, assign, comment="#"):
        self.name, self.paths, self.pre, self.post = name, paths, pre, post
        self.filler, self.assign_fn, self.comment = filler, assign, comment

    def assign(self, words, value):
        if '"' in value or "\\" in value or "\n" in value:
            return None
        return self.assign_fn(words, value)


LANGS = {}


def lang(name, paths, pre, post, filler, assign, comment="#"):
    LANGS[name] = Lang(name, paths, pre, post, filler, assign, comment)


lang("python", ["services/{p}/settings.py", "app/{p}/config.py", "scripts/{p}_sync.py"],
     ["import logging", "import os", "from pathlib import Path", "",
      "log = logging.getLogger(__name__)", "BASE_DIR = Path(__file__).resolve().parent", ""],
     ["", "", "def main():", "    log.info(\"starting %s\", __name__)", "", "",
      "if __name__ == \"__main__\":", "    main()"],
     ["TIMEOUT_SECONDS = 30", "RETRIES = 5", "DEBUG = False", "ALLOWED_HOSTS = [\"localhost\", \"127.0.0.1\"]",
      "# keep in sync with deploy/values.yaml", "REGION = \"eu-west-1\"", "PAGE_SIZE = 100",
      "CACHE_DIR = BASE_DIR / \"cache\""],
     lambda w, v: "%s = %s" % (upper(w), dq(v)))
lang("javascript", ["web/{p}/config.js", "server/{p}/index.js", "src/{p}/client.js"],
     ["'use strict';", "", "const path = require('path');", "const express = require('express');", ""],
     ["", "module.exports = { port: 8080 };"],
     ["const port = process.env.PORT || 8080;", "const retries = 3;", "// TODO: move to a shared module",
      "const region = 'us-east-1';", "const app = express();", "app.use(express.json());"],
     lambda w, v: "const %s = %s;" % (camel(w), dq(v)), "//")
lang("typescript", ["web/{p}/src/env.ts", "packages/{p}/src/settings.ts"],
     ["import { z } from 'zod';", "import type { Config } from './types';", ""],
     ["", "export default {} as Config;"],
     ["export const PAGE_SIZE = 50;", "const timeoutMs: number = 10_000;", "// the API returns 204 on no change",
      "export const regions: string[] = ['eu-west-1', 'us-east-1'];"],
     lambda w, v: "export const %s: string = %s;" % (upper(w), dq(v)), "//")
lang("go", ["cmd/{p}/main.go", "internal/{p}/config.go"],
     ["package main", "", "import (", "\t\"fmt\"", "\t\"os\"", ")", ""],
     ["", "func main() {", "\tfmt.Println(\"ok\")", "\tos.Exit(0)", "}"],
     ["const maxRetries = 5", "var region = \"eu-central-1\"", "// keep the zero value usable",
      "const pageSize = 100", "var verbose = false"],
     lambda w, v: "const %s = %s" % (camel(w), dq(v)), "//")
lang("java", ["src/main/java/com/acme/{p}/Config.java", "src/main/java/com/acme/{p}/Client.java"],
     ["package com.acme.app;", "", "import java.util.Map;", "", "public final class Config {", ""],
     ["", "    private Config() {}", "}"],
     ["    private static final int TIMEOUT_MS = 5000;", "    // see docs/architecture.md",
      "    private static final String REGION = \"eu-west-1\";", "    private static final int MAX_POOL = 16;"],
     lambda w, v: "    private static final String %s = %s;" % (upper(w), dq(v)), "//")
lang("csharp", ["src/{p}/Settings.cs", "src/{p}/Startup.cs"],
     ["using System;", "using Microsoft.Extensions.Configuration;", "", "namespace Acme.App", "{",
      "    public static class Settings", "    {"],
     ["    }", "}"],
     ["        public const int TimeoutSeconds = 30;", "        // values below are read at startup",
      "        public static readonly string Region = \"westeurope\";", "        public const bool Verbose = false;"],
     lambda w, v: "        public const string %s = %s;" % (pascal(w), dq(v)), "//")
lang("ruby", ["config/initializers/{p}.rb", "lib/{p}/client.rb"],
     ["# frozen_string_literal: true", "", "require 'json'", "", "module Acme"],
     ["end"],
     ["  TIMEOUT = 30", "  REGION = 'eu-west-1'", "  # loaded once at boot", "  PAGE_SIZE = 25"],
     lambda w, v: "  %s = %s" % (upper(w), dq(v)))
lang("php", ["config/{p}.php", "src/{p}/Client.php"],
     ["<?php", "", "declare(strict_types=1);", "", "return ["],
     ["];"],
     ["    'timeout' => 30,", "    'region' => 'eu-west-1',", "    // cached for one hour", "    'debug' => false,"],
     lambda w, v: "    '%s' => %s," % (snake(w), dq(v)), "//")
lang("shell", ["scripts/{p}.sh", "ops/{p}/deploy.sh"],
     ["#!/usr/bin/env bash", "set -euo pipefail", "", "cd \"$(dirname \"$0\")/..\"", ""],
     ["", "echo \"done\""],
     ["REGION=eu-west-1", "mkdir -p build/out", "# retry flaky network calls", "RETRIES=3",
      "echo \"deploying $(git rev-parse --short HEAD)\""],
     lambda w, v: "export %s=%s" % (upper(w), dq(v)))
lang("yaml", ["config/{p}.yaml", "deploy/{p}/values.yaml", "conf/{p}.yml"],
     ["# service configuration", "service:", "  name: billing", "  replicas: 3", ""],
     ["", "logging:", "  level: info"],
     ["region: eu-west-1", "timeout: 30s", "# changed by the platform team", "retries: 5",
      "image: nginx:1.25.3"],
     lambda w, v: "%s: %s" % (snake(w), dq(v)))
lang("k8s", ["deploy/k8s/{p}-secret.yaml", "k8s/{p}/secret.yaml"],
     ["apiVersion: v1", "kind: Secret", "metadata:", "  name: app-credentials", "  namespace: prod",
      "type: Opaque", "stringData:"],
     ["  LOG_LEVEL: info"],
     ["  REGION: eu-west-1", "  # rotated by the platform team", "  POOL_SIZE: \"16\""],
     lambda w, v: "  %s: %s" % (upper(w), dq(v)))
lang("ghactions", [".github/workflows/{p}.yml"],
     ["name: deploy", "on:", "  push:", "    branches: [main]", "jobs:", "  deploy:",
      "    runs-on: ubuntu-latest", "    steps:", "      - uses: actions/checkout@v4", "      - run: make build",
      "    env:"],
     ["      - run: make deploy"],
     ["      REGION: eu-west-1", "      # set by the release job", "      NODE_VERSION: \"20\""],
     lambda w, v: "      %s: %s" % (upper(w), dq(v)))
lang("gitlabci", ["ci/{p}.gitlab-ci.yml"],
     ["stages: [build, deploy]", "", "variables:"],
     ["", "deploy:", "  stage: deploy", "  script:", "    - ./scripts/deploy.sh"],
     ["  REGION: eu-west-1", "  # overridden per environment", "  DOCKER_DRIVER: overlay2"],
     lambda w, v: "  %s: %s" % (upper(w), dq(v)))
lang("json", ["config/{p}.json", "settings/{p}.json"],
     ["{", "  \"name\": \"billing-service\",", "  \"version\": \"2.3.1\","],
     ["  \"debug\": false", "}"],
     ["  \"region\": \"eu-west-1\",", "  \"timeoutMs\": 5000,", "  \"retries\": 3,", "  \"features\": [\"search\", \"export\"],"],
     lambda w, v: "  \"%s\": %s," % (camel(w), dq(v)), None)
lang("toml", ["config/{p}.toml", "{p}/pyproject.toml"],
     ["[service]", "name = \"billing\"", "port = 8080", "", "[credentials]"],
     ["", "[logging]", "level = \"info\""],
     ["region = \"eu-west-1\"", "# managed by terraform", "timeout = 30"],
     lambda w, v: "%s = %s" % (snake(w), dq(v)))
lang("ini", ["conf/{p}.ini", "etc/{p}.cfg"],
     ["; service settings", "[server]", "host = 0.0.0.0", "port = 8080", "", "[credentials]"],
     ["", "[logging]", "level = INFO"],
     ["region = eu-west-1", "; rotated quarterly", "timeout = 30"],
     lambda w, v: "%s = %s" % (snake(w), v), ";")
lang("properties", ["src/main/resources/{p}.properties", "conf/{p}.properties"],
     ["# application properties", "server.port=8080", "spring.application.name=billing"],
     ["logging.level.root=INFO"],
     ["spring.jpa.open-in-view=false", "# see README", "app.region=eu-west-1"],
     lambda w, v: "%s=%s" % (".".join(x.lower() for x in w), v))
lang("env", ["{p}/.env.production", "deploy/{p}.env"],
     ["# production environment", "NODE_ENV=production", "PORT=8080"],
     ["LOG_LEVEL=info"],
     ["REGION=eu-west-1", "# rotated by ops", "WORKERS=4"],
     lambda w, v: "%s=%s" % (upper(w), v))
lang("xml", ["conf/{p}.xml", "src/main/resources/{p}-context.xml"],
     ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<configuration>", "  <region>eu-west-1</region>"],
     ["  <timeout>30</timeout>", "</configuration>"],
     ["  <retries>3</retries>", "  <!-- managed by ops -->", "  <poolSize>16</poolSize>"],
     lambda w, v: "  <%s>%s</%s>" % (camel(w), v, camel(w)), None)
lang("hcl", ["infra/{p}/main.tf", "terraform/{p}.tf"],
     ["terraform {", "  required_version = \">= 1.5\"", "}", "", "locals {"],
     ["}", "", "resource \"aws_s3_bucket\" \"logs\" {", "  bucket = \"acme-logs\"", "}"],
     ["  region = \"eu-west-1\"", "  # shared by every module", "  environment = \"prod\""],
     lambda w, v: "  %s = %s" % (snake(w), dq(v)))
lang("dockerfile", ["docker/{p}/Dockerfile", "{p}/Dockerfile"],
     ["FROM python:3.12-slim", "WORKDIR /app", "COPY requirements.txt ."],
     ["COPY . .", "CMD [\"python\", \"-m\", \"app\"]"],
     ["RUN pip install --no-cache-dir -r requirements.txt", "# build-time settings", "ENV PYTHONUNBUFFERED=1"],
     lambda w, v: "ENV %s=%s" % (upper(w), v))
lang("markdown", ["docs/{p}.md", "docs/setup/{p}.md"],
     ["# Setting up the service", "", "Configure the service before the first deploy.", "", "```"],
     ["```", "", "Restart the service afterwards."],
     ["# the values below are read at startup"],
     lambda w, v: "%s=%s" % (upper(w), v))
lang("log", ["logs/{p}.log"],
     ["2024-05-01T12:00:00Z INFO  starting worker pid=4242"],
     ["2024-05-01T12:00:09Z INFO  shutdown complete"],
     ["2024-05-01T12:00:01Z DEBUG loaded 42 routes", "2024-05-01T12:00:02Z WARN  slow query took 812ms",
      "2024-05-01T12:00:03Z INFO  healthcheck ok"],
     lambda w, v: "2024-05-01T12:00:04Z DEBUG config %s=%s" % (snake(w), v))
lang("ipynb", ["notebooks/{p}.ipynb"], [], [],
     ["import pandas as pd", "df = pd.read_csv(\"data/orders.csv\")", "df.head()"],
     lambda w, v: "%s = %s" % (snake(w), dq(v)))
lang("kotlin", ["android/app/src/main/java/com/acme/{p}/ApiConfig.kt"],
     ["package com.acme.app", "", "import android.util.Log", "", "object ApiConfig {"],
     ["}"],
     ["    const val TIMEOUT_MS = 10_000L", "    // shared by every client", "    val regions = listOf(\"eu\", \"us\")"],
     lambda w, v: "    const val %s = %s" % (upper(w), dq(v)), "//")
lang("swift", ["ios/{p}/Config.swift"],
     ["import Foundation", "", "enum Config {"],
     ["}"],
     ["    static let timeout: TimeInterval = 10", "    // shared by every client", "    static let region = \"eu-west-1\""],
     lambda w, v: "    static let %s = %s" % (camel(w), dq(v)), "//")
lang("rust", ["crates/{p}/src/config.rs"],
     ["use std::time::Duration;", ""],
     ["", "pub fn timeout() -> Duration {", "    Duration::from_secs(30)", "}"],
     ["pub const MAX_RETRIES: u32 = 5;", "// shared by every client", "pub const REGION: &str = \"eu-west-1\";"],
     lambda w, v: "pub const %s: &str = %s;" % (upper(w), dq(v)), "//")
lang("powershell", ["ops/{p}/deploy.ps1"],
     ["#Requires -Version 7", "$ErrorActionPreference = 'Stop'", ""],
     ["", "Write-Host 'done'"],
     ["$Region = 'westeurope'", "# run from the repository root", "Set-Location $PSScriptRoot"],
     lambda w, v: "$env:%s = %s" % (upper(w), dq(v)))
lang("batch", ["ops/{p}/setup.cmd"],
     ["@echo off", "setlocal"],
     ["endlocal"],
     ["set REGION=westeurope", "rem run from the repository root", "cd /d %~dp0"],
     lambda w, v: "set %s=%s" % (upper(w), v), "rem")
lang("minjs", ["dist/{p}.min.js", "public/assets/{p}-bundle.min.js"], [], [],
     ['function r(e){return e&&e.__esModule?e:{default:e}}', 'var n=Object.defineProperty,o=Object.keys;',
      'e.exports=function(t,n){for(var r=0;r<n.length;r++){var o=n[r];o.enumerable=o.enumerable||!1}};'],
     lambda w, v: 'var %s="%s";' % (camel(w), v))
# Hosts for snippets no language above takes: kept verbatim in files of their own kind.
for _n, _p in [("pem", ["certs/{p}.pem", "keys/{p}.key"]), ("netrc", ["home/{p}/.netrc"]),
               ("npmrc", ["{p}/.npmrc"]), ("gitcreds", ["home/{p}/.git-credentials"]),
               ("ppk", ["keys/{p}.ppk"]), ("text", ["notes/{p}.txt"])]:
    lang(_n, _p, [], [], [], lambda w, v: None)

# Other places a token is used, not assigned: client constructors, headers, CLI flags, URLs,
# comments. (lang, template) with {v} the secret and {n} a snake_case name.
USE_CONTEXTS = [
    ("python", 'client = ApiClient(api_key="{v}", timeout=10)'),
    ("python", '    headers = {{"Authorization": "Bearer {v}", "Accept": "application/json"}}'),
    ("python", "# old {n}: {v} (rotated 2024-03)"),
    ("javascript", "const res = await fetch(url, {{ headers: {{ Authorization: `Bearer {v}` }} }});"),
    ("javascript", "const client = new Client({{ apiKey: '{v}', region: 'eu' }});"),
    ("typescript", "  private readonly token = '{v}';"),
    ("go", '\treq.Header.Set("Authorization", "Bearer {v}")'),
    ("go", '\tclient := api.NewClient("{v}", api.WithRetries(3))'),
    ("java", '        conn.setRequestProperty("Authorization", "Bearer {v}");'),
    ("csharp", '        client.DefaultRequestHeaders.Add("X-Api-Key", "{v}");'),
    ("ruby", "  client = Acme::Client.new(api_key: '{v}')"),
    ("php", "    'client' => new Client(['token' => '{v}']),"),
    ("shell", 'curl -sS -H "Authorization: Bearer {v}" https://api.acme.io/v1/status'),
    ("shell", "acmectl login --token {v} --region eu-west-1"),
    ("shell", 'curl -sS "https://api.acme.io/v1/items?api_key={v}&limit=10"'),
    ("yaml", "      args: [\"--{n}\", \"{v}\"]"),
    ("json", '  "headers": {{"Authorization": "Bearer {v}"}},'),
    ("markdown", "Then call the API with the token `{v}` (ask ops for a new one)."),
    ("log", '2024-05-01T12:00:07Z DEBUG request GET /v1/items?access_token={v} status=200'),
    ("log", "2024-05-01T12:00:08Z DEBUG outgoing headers: Authorization: Bearer {v}"),
    ("xml", '  <property name="{n}" value="{v}"/>'),
    ("hcl", '  headers = {{ Authorization = "Bearer {v}" }}'),
    ("json", '  "settings": "{{\\"region\\": \\"eu\\", \\"{n}\\": \\"{v}\\"}}",'),
    ("log", "2024-05-01T12:00:09Z ERROR retry failed: ClientError({{'{n}': '{v}', 'status': 401}})"),
    ("minjs", 'var a=new e.Client({{apiKey:"{v}",region:"eu"}});'),
    ("minjs", 't.headers.Authorization="Bearer {v}";'),
]

DERIVE_LANGS = ["python", "javascript", "typescript", "go", "java", "kotlin", "csharp", "ruby", "php",
                "shell", "powershell", "batch", "swift", "rust",
                "yaml", "k8s", "ghactions", "gitlabci", "json", "toml", "ini", "properties", "env",
                "xml", "hcl", "dockerfile", "log", "ipynb"]


def classify(text):
    """The host language for a rule example's text."""
    lines = [l for l in text.split("\n")]
    first = next((l for l in lines if l.strip() and not l.lstrip().startswith(("#", "//", "--"))), "")
    s = first.strip()
    if "-----BEGIN" in text:
        if re.match(r"^[\w.-]+:\s*[|>]", s) or re.match(r"^\w+:\s*$", s):
            return "yaml"
        if re.match(r"^[A-Z_][A-Z0-9_]*=", s):
            return "env"
        if s.startswith(("$ ", "gpg ", "cat ")):
            return "shell" if not s.startswith("$ ") else "markdown"
        if s.startswith("{") or s.startswith('"'):
            return "json"
        return "pem"
    if s.startswith("PuTTY-User-Key-File"):
        return "ppk"
    if s.startswith(("{", "[{", "[\"")):
        return "json"
    if re.match(r'^"[^"]+"\s*:', s):
        return "json"
    if s.startswith("<"):
        return "xml"
    if re.match(r"^machine\s", s):
        return "netrc"
    if re.match(r"^(?i:https?|ftps?)://", s):
        return "gitcreds"
    if re.match(r"^(//\S+:)?_(auth|authToken|password)\b|^registry\s*=|^//", s) or s.startswith("npmScopes"):
        return "npmrc" if not s.startswith("npmScopes") else "yaml"
    if re.match(r"^\[[^\]]+\]$", s):
        return "ini"
    if re.match(r'^(provider|resource|variable|credentials|module|locals|terraform|data)\b.*\{\s*$', s):
        return "hcl"
    if re.match(r"^(FROM|ENV|ARG|RUN|LABEL)\s", s):
        return "dockerfile"
    if s.startswith("$ "):
        return "markdown"
    if re.match(r"^(export|curl|wget|gpg|git|docker|npm|yarn|gh|aws|az|gcloud|kubectl|helm|http|"
                r"set|source|echo|heroku|vault|fly|flyctl|terraform|psql|mysql|mongosh|redis-cli|"
                r"twilio|stripe|sentry-cli|doctl|pip|python3?|node|npx)\b", s):
        return "shell"
    if re.match(r"^(const|let|var)\s", s) and ("'" in s or '"' in s or "`" in s):
        if ":=" in s:
            return "go"
        if "=>" in s or s.endswith(";") or "require(" in s:
            return "javascript"
        return "javascript"
    if ":=" in s or s.startswith(("func ", "package ")):
        return "go"
    if re.match(r"^(private|public|protected|static|final|String)\b", s):
        return "csharp" if ("string " in s or "@\"" in s) else "java"
    if re.match(r"^(var|using|new)\b", s) or "@\"" in s:
        return "csharp"
    if re.match(r"^\$\w+\s*=", s) or s.startswith(("define(", "<?php")) or re.match(r"^'[\w.-]+'\s*=>", s):
        return "php"
    if re.match(r"^:\w+\s*=>", s) or re.match(r"^(config|Rails|ENV)\b", s) or s.startswith("---"):
        return "ruby" if not s.startswith("---") else "yaml"
    if re.match(r"^(import|from|def|self\.|os\.)", s):
        return "python"
    if re.match(r"^[A-Z][A-Z0-9_]*=", s):
        return "env"
    if re.match(r"^[a-z][\w-]*(\.[\w-]+)+\s*=", s):
        return "properties"
    if re.match(r"^[A-Za-z_][\w.-]*\s*=\s*[\"']", s):
        return "python" if re.match(r"^[A-Za-z_]\w*\s", s) else "toml"
    if re.match(r"^[A-Za-z_][\w.-]*\s*=", s):
        return "ini"
    if re.match(r"^-?\s*[\"']?[\w.@/-]+[\"']?\s*:(\s|$)", s):
        return "yaml"
    if re.match(r"^\d{4}-\d\d-\d\d", s):
        return "log"
    return "text"


# Generic secrets: a random value assigned to a secret-named variable, the way code and config
# hold passwords and keys of services no specific rule knows. Not checked against any rule's regex:
# the generic rules must find these. (lang, template, name words); {v} the value.
GENERIC_SHAPES = [
    ("python", '{N} = "{v}"', ["db", "password"]), ("python", '    "{n}": "{v}",', ["api", "secret"]),
    ("javascript", "const {c} = '{v}';", ["client", "secret"]), ("javascript", "  {c}: '{v}',", ["auth", "token"]),
    ("typescript", "export const {c} = '{v}';", ["smtp", "password"]),
    ("go", '\t{P}: "{v}",', ["admin", "password"]), ("go", '{c} := "{v}"', ["api", "key"]),
    ("java", '    private static final String {N} = "{v}";', ["signing", "secret"]),
    ("java", '        props.setProperty("{d}", "{v}");', ["mail", "password"]),
    ("csharp", '        var {c} = "{v}";', ["service", "password"]),
    ("csharp", '        options.{P} = "{v}";', ["client", "secret"]),
    ("ruby", "  config.{n} = '{v}'", ["api", "key"]), ("ruby", "  {n}: '{v}',", ["password"]),
    ("php", "    '{n}' => '{v}',", ["db", "password"]), ("php", "define('{N}', '{v}');", ["auth", "key"]),
    ("shell", "export {N}={v}", ["registry", "password"]), ("shell", "{N}='{v}'", ["api", "token"]),
    ("shell", "curl -u deploy:{v} https://nexus.acme.io/service/rest/v1/status", None),
    ("shell", "curl -H 'Authorization: Bearer {v}' https://api.acme.io/v1/me", None),
    ("yaml", "{n}: {v}", ["db", "password"]), ("yaml", '{n}: "{v}"', ["client", "secret"]),
    ("k8s", "  {N}: {v}", ["db", "password"]), ("k8s", '  {N}: "{v}"', ["api", "token"]),
    ("ghactions", "      {N}: {v}", ["deploy", "password"]),
    ("json", '  "{c}": "{v}",', ["api", "key"]), ("json", '  "{n}": "{v}",', ["password"]),
    ("toml", '{n} = "{v}"', ["secret", "key"]), ("ini", "{n} = {v}", ["password"]),
    ("properties", "{d}={v}", ["spring", "datasource", "password"]), ("properties", "{d}={v}", ["app", "api", "key"]),
    ("env", "{N}={v}", ["session", "secret"]), ("env", '{N}="{v}"', ["db", "password"]),
    ("xml", "  <{c}>{v}</{c}>", ["password"]), ("xml", '  <add key="{P}" value="{v}" />', ["api", "key"]),
    ("hcl", '  {n} = "{v}"', ["admin", "password"]), ("hcl", '  {n} = "{v}"', ["api", "token"]),
    ("dockerfile", "ENV {N}={v}", ["db", "password"]), ("dockerfile", "ENV {N} {v}", ["api", "key"]),
    ("dockerfile", "ARG {N}={v}", ["npm", "auth", "token"]),
    ("ipynb", '{n} = "{v}"', ["api", "key"]), ("log", "2024-05-01T12:00:04Z DEBUG connecting with password={v}", None),
    ("env", "DATABASE_URL=postgres://app:{v}@db.internal:5432/app", None),
    ("csharp", '        const string Conn = "Server=db.internal;Database=app;User Id=app;Password={v};";', None),
    ("kotlin", '    const val {N} = "{v}"', ["api", "secret"]), ("swift", '    static let {c} = "{v}"', ["api", "key"]),
    ("rust", 'pub const {N}: &str = "{v}";', ["db", "password"]),
    ("powershell", '$env:{N} = "{v}"', ["api", "token"]), ("powershell", '$Password = ConvertTo-SecureString "{v}" -AsPlainText -Force', ["password"]),
    ("batch", "set {N}={v}", ["db", "password"]),
]
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "-_!@+"
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"


def generic_value(rng, password):
    """A password (letters, digits, a few symbols) or a key/token (letters, digits, - and _)."""
    alphabet = PASSWORD_ALPHABET if password else TOKEN_ALPHABET
    while True:
        v = "".join(rng.choice(alphabet) for _ in range(rng.randrange(18, 33)))
        if any(c.isdigit() for c in v) and any(c.isupper() for c in v) and any(c.islower() for c in v) \
                and v[0].isalnum():
            return v


# --------------------------------------------------------------------------------------------
# Names for derived plantings

STOP = {"api", "key", "token", "secret", "access", "auth", "legacy", "v2", "id", "personal", "pat"}


def name_candidates(rule, secret):
    words = [w for w in re.split(r"[-_]", rule.id) if w]
    cands = [words]
    for kw in rule.keywords:
        if not re.fullmatch(r"[a-z][a-z0-9_-]{2,}", kw) or kw in secret.lower():
            continue
        kwords = [w for w in re.split(r"[-_]", kw) if w]
        if not any(w in ("key", "token", "secret", "password", "pass", "pwd") for w in kwords):
            kwords = kwords + ["api", "key"]
        cands.append(kwords)
        if kwords[-1] != "token":
            cands.append([w for w in re.split(r"[-_]", kw) if w] + ["token"])
    seen, out = set(), []
    for c in cands:
        t = tuple(c)
        if t not in seen:
            seen.add(t)
            out.append(c)
    return out


# --------------------------------------------------------------------------------------------
# Fresh checksummed tokens


def b62(n, width=6):
    s = ""
    while n:
        s = B62[n % 62] + s
        n //= 62
    return s.rjust(width, "0")


def github_style(rng, prefix, valid=True):
    body = "".join(rng.choice(ALNUM) for _ in range(30))
    crc = b62(zlib.crc32(body.encode()))
    if not valid:
        bad = crc
        while bad == crc:
            bad = crc[:-1] + rng.choice(B62)
        crc = bad
    return prefix + body + crc


CHECKSUM_PREFIXES = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]

# --------------------------------------------------------------------------------------------
# Hard negatives


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def ssh_body(rng, kind):
    head = {"rsa": "AAAAB3NzaC1yc2EAAAADAQABAAABgQ", "ed": "AAAAC3NzaC1lZDI1NTE5AAAAI"}[kind]
    n = 360 if kind == "rsa" else 43
    return head + rand(rng, string.ascii_letters + string.digits + "+/", n)


def pem_block(rng, label, lines=6):
    body = [rand(rng, string.ascii_letters + string.digits + "+/", 64) for _ in range(lines)]
    body.append(rand(rng, string.ascii_letters + string.digits + "+/", 20) + "==")
    return ["-----BEGIN %s-----" % label] + body + ["-----END %s-----" % label]


JWT_IO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
          "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")


def value_negatives(rng):
    """(kind, name words, value) hard negatives that any language can assign."""
    h = lambda algo, s: hashlib.new(algo, s.encode()).hexdigest()
    seed = rand(rng, ALNUM, 12)
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(seed.encode()).digest()).decode()
    uuid4 = lambda: "%08x-%04x-4%03x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                                    rng.getrandbits(12), 0x8000 | rng.getrandbits(14),
                                                    rng.getrandbits(48))
    bcrypt = "$2b$12$" + rand(rng, string.ascii_letters + string.digits + "./", 53)
    return [
        ("example-key", ["aws", "access", "key", "id"], "AKIAIOSFODNN7EXAMPLE"),
        ("example-key", ["aws", "secret", "access", "key"], "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("example-key", ["aws", "access", "key", "id"], "AKIAI44QH8DHBEXAMPLE"),
        ("example-key", ["aws", "secret", "access", "key"], "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),
        ("example-key", ["id", "token"], JWT_IO),
        ("wrong-checksum", ["github", "token"], github_style(rng, "ghp_", False)),
        ("wrong-checksum", ["gh", "oauth", "token"], github_style(rng, "gho_", False)),
        ("wrong-checksum", ["npm", "token"], github_style(rng, "npm_", False)),
        ("wrong-checksum", ["github", "app", "token"], github_style(rng, "ghs_", False)),
        ("wrong-checksum", ["gh", "user", "token"], github_style(rng, "ghu_", False)),
        ("wrong-checksum", ["github", "refresh", "token"], github_style(rng, "ghr_", False)),
        ("placeholder", ["api", "key"], "YOUR_API_KEY"),
        ("placeholder", ["github", "token"], "ghp_" + "x" * 36),
        ("placeholder", ["db", "password"], "changeme"),
        ("placeholder", ["secret", "key"], "<secret-key>"),
        ("placeholder", ["slack", "bot", "token"], "xoxb-your-token-here"),
        ("placeholder", ["stripe", "secret", "key"], "sk_live_" + "x" * 24),
        ("placeholder", ["auth", "token"], "<token>"),
        ("placeholder", ["client", "secret"], "REPLACE_ME"),
        ("placeholder", ["aws", "secret", "access", "key"], "*" * 40),
        ("placeholder", ["admin", "password"], "your-password-here"),
        ("placeholder", ["openai", "api", "key"], "sk-..."),
        ("placeholder", ["aws", "access", "key", "id"], "AKIAXXXXXXXXXXXXXXXX"),
        ("template", ["db", "password"], "{{ .Values.db.password }}"),
        ("template", ["api", "key"], "${API_KEY}"),
        ("template", ["db", "password"], "%(db_password)s"),
        ("template", ["vault", "token"], "{{ vault_token }}"),
        ("template", ["client", "secret"], "#{CLIENT_SECRET}"),
        ("template", ["smtp", "password"], "$(SMTP_PASSWORD)"),
        ("template", ["secret", "key", "base"], "<%= ENV['SECRET_KEY_BASE'] %>"),
        ("template", ["github", "token"], "${{ secrets.GITHUB_TOKEN }}"),
        ("hash", ["commit", "sha"], h("sha1", seed + "c")),
        ("hash", ["checksum", "sha256"], h("sha256", seed + "a")),
        ("hash", ["password", "hash"], h("sha512", seed + "p")),
        ("hash", ["api", "key", "sha256"], h("sha256", seed + "k")),
        ("hash", ["integrity"], integrity),
        ("hash", ["image", "digest"], "sha256:" + h("sha256", seed + "i")),
        ("hash", ["password", "hash"], bcrypt),
        ("hash", ["etag"], h("md5", seed + "e")),
        ("hash", ["token", "fingerprint"], h("sha1", seed + "t")),
        ("hash", ["secret", "sha512"], h("sha512", seed + "s")),
        ("uuid", ["request", "id"], uuid4()),
        ("uuid", ["tenant", "id"], uuid4()),
        ("uuid", ["api", "key", "id"], uuid4()),
        ("uuid", ["correlation", "id"], uuid4()),
        ("uuid", ["client", "id"], uuid4()),
        ("uuid", ["subscription", "id"], uuid4()),
        ("public-key", ["ssh", "public", "key"], "ssh-rsa " + ssh_body(rng, "rsa") + " deploy@build-01"),
        ("public-key", ["deploy", "key", "pub"], "ssh-ed25519 " + ssh_body(rng, "ed") + " ci@acme"),
        ("public-key", ["stripe", "publishable", "key"], "pk_live_" + rand(rng, ALNUM, 24)),
        ("public-key", ["sentry", "dsn"], "https://%s@o%d.ingest.sentry.io/%d" % (
            rand(rng, "0123456789abcdef", 32), rng.randrange(10**5, 10**6), rng.randrange(10**6, 10**7))),
        ("public-key", ["age", "recipient"], "age1" + rand(rng, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)),
        ("placeholder", ["database", "url"], "postgres://user:password@localhost:5432/app"),
        ("placeholder", ["mongo", "uri"], "mongodb+srv://<username>:<password>@cluster0.mongodb.net/app"),
        ("placeholder", ["github", "token"], "ghp_" + "*" * 32 + "a1B2"),
        ("placeholder", ["openai", "api", "key"], "sk-proj-..." ),
        ("placeholder", ["slack", "token"], "xoxb-000000000000-0000000000000-" + "x" * 24),
        ("placeholder", ["api", "token"], "<insert token here>"),
        ("placeholder", ["stripe", "key"], "sk_live_..."),
        ("placeholder", ["slack", "bot", "token"], "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        ("placeholder", ["aws", "secret", "access", "key"], "<<your secret key>>"),
        ("placeholder", ["openai", "api", "key"], "sk-proj-" + "X" * 40),
        ("env-lookup", ["db", "password"], "{{resolve:secretsmanager:prod/db:SecretString:password}}"),
        ("env-lookup", ["api", "key"], "op://Engineering/acme-api/credential"),
        ("env-lookup", ["db", "password", "secret", "arn"],
         "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-" + rand(rng, ALNUM, 6)),
        ("env-lookup", ["client", "secret"], "vault:secret/data/payments#client_secret"),
        ("encrypted", ["db", "password"], "ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (
            base64.b64encode(rng.randbytes(18)).decode(), base64.b64encode(rng.randbytes(32)).decode(),
            base64.b64encode(rng.randbytes(16)).decode())),
        ("encrypted", ["smtp", "password"], "ENC(" + base64.b64encode(rng.randbytes(24)).decode() + ")"),
        ("public-key", ["jwt", "public", "key"], "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" +
         rand(rng, string.ascii_letters + string.digits + "+/", 300) + "IDAQAB"),
        ("public-key", ["ssh", "host", "key"], "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB" +
         rand(rng, string.ascii_letters + string.digits + "+/", 87) + "="),
        ("pattern", ["github", "token", "pattern"], r"ghp_[A-Za-z0-9]{36}"),
        ("pattern", ["aws", "key", "regex"], r"(AKIA|ASIA)[A-Z0-9]{16}"),
        ("word-like", ["password", "field"], "password_confirmation"),
        ("word-like", ["api", "key", "header"], "X-Api-Key"),
        ("word-like", ["token", "type"], "Bearer"),
        ("word-like", ["secret", "name"], "prod/payments/stripe"),
        ("word-like", ["password", "env", "var"], "DB_PASSWORD"),
        ("word-like", ["auth", "token", "param"], "access_token"),
        ("word-like", ["password", "policy"], "StrongPasswordPolicy"),
        ("word-like", ["secret", "key", "ref"], "app.settings.secretKey"),
    ]


# Code-shaped hard negatives per language: (kind, line).
CODE_NEGATIVES = {
    "kotlin": [("env-lookup", '    val apiKey: String = BuildConfig.API_KEY'),
               ("env-lookup", '    val token = System.getenv("API_TOKEN") ?: ""')],
    "swift": [("env-lookup", '    static let apiKey = ProcessInfo.processInfo.environment["API_KEY"] ?? ""'),
              ("word-like", '    static let passwordKey = "com.acme.keychain.password"')],
    "rust": [("env-lookup", 'let token = std::env::var("API_TOKEN").expect("API_TOKEN not set");'),
             ("word-like", "pub password: Option<String>,")],
    "powershell": [("env-lookup", "$token = $env:GITHUB_TOKEN"),
                   ("word-like", "$cred = Get-Credential -UserName admin -Message 'Password'"),
                   ("env-lookup", "$secret = (Get-AzKeyVaultSecret -VaultName kv-prod -Name db-password).SecretValue")],
    "batch": [("env-lookup", "set API_TOKEN=%API_TOKEN%"), ("placeholder", "set DB_PASSWORD=<password>")],
    "python": [("env-lookup", 'API_KEY = os.environ["API_KEY"]'),
               ("word-like", '    password = getpass.getpass("Password: ")'),
               ("word-like", "    password = None"),
               ("pattern", '    PASSWORD_RE = re.compile(r"^(?=.*[A-Z])(?=.*\\d).{12,}$")'),
               ("env-lookup", 'DB_PASSWORD = os.getenv("DB_PASSWORD", "")'),
               ("word-like", "        self.password = password"),
               ("word-like", "    password = get_password(user)"),
               ("word-like", '    token = request.headers.get("Authorization")'),
               ("word-like", "    api_key: str = Field(..., min_length=32)"),
               ("template", '    dsn = "postgresql://%(user)s:%(password)s@%(host)s/app" % cfg')],
    "javascript": [("env-lookup", "const token = process.env.GITHUB_TOKEN;"),
                   ("env-lookup", "const { STRIPE_SECRET_KEY: stripeKey } = process.env;"),
                   ("word-like", "const passwordInput = document.querySelector('#password');"),
                   ("word-like", "const apiKey = config.get('apiKey');"),
                   ("template", "const url = `https://${user}:${password}@${host}/db`;")],
    "typescript": [("env-lookup", "export const API_KEY = process.env.API_KEY ?? '';"),
                   ("word-like", "  password: string;"),
                   ("word-like", "const token = await this.auth.getAccessToken();")],
    "go": [("env-lookup", 'var apiToken = os.Getenv("API_TOKEN")'),
           ("word-like", "\tPassword: cfg.Password,"),
           ("word-like", 'var passwordFlag = flag.String("password", "", "database password")')],
    "java": [("env-lookup", '    private final String secret = System.getenv("CLIENT_SECRET");'),
             ("word-like", "    String password = user.getPassword();"),
             ("template", '    @Value("${app.datasource.password}") private String dbPassword;')],
    "csharp": [("env-lookup", '        var apiKey = Environment.GetEnvironmentVariable("API_KEY");'),
               ("word-like", "        var token = await GetTokenAsync(cancellationToken);"),
               ("word-like", '        public string Password { get; set; } = string.Empty;')],
    "ruby": [("env-lookup", "  API_KEY = ENV.fetch('STRIPE_API_KEY')"),
             ("env-lookup", "  PASSWORD = ENV['DB_PASSWORD']"),
             ("template", '  DSN = "postgres://#{user}:#{password}@db/app"'),
             ("word-like", "  # self.password = params[:password]")],
    "php": [("env-lookup", "    'password' => getenv('DB_PASSWORD'),"),
            ("env-lookup", "    'api_key' => $_ENV['API_KEY'] ?? null,"),
            ("word-like", "    'secret' => $request->input('secret'),"),
            ("env-lookup", "    'token' => env('SLACK_TOKEN'),")],
    "shell": [("env-lookup", 'export GITHUB_TOKEN="${GITHUB_TOKEN:?missing}"'),
              ("env-lookup", 'curl -H "Authorization: Bearer $API_TOKEN" https://api.acme.io/v1/me'),
              ("env-lookup", 'curl -u "$NEXUS_USER:$NEXUS_PASSWORD" https://nexus.acme.io/repository/'),
              ("word-like", 'read -rsp "Password: " PASSWORD')],
    "yaml": [("env-lookup", "password: ${DB_PASSWORD}"),
             ("env-lookup", "api_password: !secret api_password"),
             ("template", "token: $(System.AccessToken)"),
             ("template", "jdbc_url: jdbc:postgresql://db:5432/app?user=app&password=${DB_PASSWORD}"),
             ("template", 'api_key: "{{ .Values.apiKey }}"')],
    "k8s": [("template", '  DB_PASSWORD: "{{ .Values.db.password }}"')],
    "ghactions": [("template", "      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}"),
                  ("template", "      GH_TOKEN: ${{ github.token }}"),
                  ("template", "      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}")],
    "gitlabci": [("env-lookup", "  DEPLOY_TOKEN: $CI_JOB_TOKEN")],
    "json": [("template", '  "password": "${DB_PASSWORD}",')],
    "toml": [("env-lookup", 'token = "${TOKEN}"')],
    "ini": [("template", "password = %(db_password)s")],
    "properties": [("env-lookup", "spring.datasource.password=${DB_PASSWORD}"),
                   ("placeholder", "spring.datasource.url=jdbc:sqlserver://db;databaseName=app;user=app;password=***"),
                   ("word-like", "app.security.password-min-length=12")],
    "env": [("env-lookup", "API_KEY=${API_KEY}"), ("env-lookup", "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app")],
    "xml": [("env-lookup", "  <password>${env.DB_PASSWORD}</password>"),
            ("env-lookup", '  <add key="ApiKey" value="%API_KEY%" />')],
    "hcl": [("env-lookup", "  db_password = var.db_password"),
            ("env-lookup", "  password = random_password.db.result"),
            ("template", '  token = "${var.api_token}"')],
    "dockerfile": [("env-lookup", "ARG NPM_TOKEN"), ("env-lookup", "ENV API_TOKEN=${API_TOKEN}"),
                   ("word-like", "ENV PASSWORD_FILE=/run/secrets/db_password")],
    "markdown": [("placeholder", "export OPENAI_API_KEY=<your-key>"),
                 ("placeholder", "curl -u admin:changeme https://localhost:9200")],
    "log": [("placeholder", "2024-05-01T12:00:05Z INFO  login ok user=alice password=********"),
            ("hash", "2024-05-01T12:00:06Z INFO  deployed commit 3e1f0c9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e")],
    "ipynb": [("env-lookup", 'api_key = os.environ["OPENAI_API_KEY"]')],
}


def block_negatives(rng, lang_name):
    """Multi-line hard negatives (public keys, certificates) for the languages that hold them."""
    cert = pem_block(rng, "CERTIFICATE", 8)
    pub = pem_block(rng, "PUBLIC KEY", 5)
    pgp = ["-----BEGIN PGP PUBLIC KEY BLOCK-----", ""] + pem_block(rng, "X", 5)[1:-1] + \
          ["=" + rand(rng, ALNUM, 4), "-----END PGP PUBLIC KEY BLOCK-----"]
    if lang_name == "pem":
        return [("public-key", cert), ("public-key", pub)]
    if lang_name in ("yaml", "k8s"):
        ind = "  " if lang_name == "k8s" else ""
        return [("public-key", [ind + "tls.crt: |"] + [ind + "  " + l for l in cert])]
    if lang_name == "python":
        return [("public-key", ['PUBLIC_KEY = """' + pub[0]] + pub[1:-1] + [pub[-1] + '"""'])]
    if lang_name == "markdown":
        return [("public-key", pgp)]
    if lang_name == "shell":
        return [("public-key", ["cat >> ~/.ssh/authorized_keys <<'EOF'", "ssh-rsa " + ssh_body(rng, "rsa") + " ops@bastion", "EOF"])]
    return []


def b64(rng, n):
    return base64.b64encode(rng.randbytes(n)).decode()


def negative_files(rng):
    """Whole files of high-entropy values that are not secrets: lockfiles, checksums, public keys,
    encrypted values. (path, [(kind or None, line)])."""
    hexs = lambda n: rng.randbytes(n).hex()
    pkgs = ["left-pad", "lodash", "express", "react", "chalk", "debug", "ms", "semver", "uuid", "zod"]
    files = []
    lock = [(None, "{"), (None, '  "name": "acme-web",'), (None, '  "lockfileVersion": 3,'), (None, '  "packages": {')]
    for i, name in enumerate(pkgs):
        v = "%d.%d.%d" % (rng.randrange(1, 9), rng.randrange(20), rng.randrange(20))
        lock += [(None, '    "node_modules/%s": {' % name), (None, '      "version": "%s",' % v),
                 ("hash", '      "resolved": "https://registry.npmjs.org/%s/-/%s-%s.tgz",' % (name, name, v)),
                 ("hash", '      "integrity": "sha512-%s"' % b64(rng, 64)),
                 (None, "    }" + ("," if i < len(pkgs) - 1 else ""))]
    lock += [(None, "  }"), (None, "}")]
    files.append(("web/package-lock.json", lock))
    yarn = [(None, "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY."), (None, "# yarn lockfile v1"), (None, "")]
    for name in pkgs:
        v = "%d.%d.%d" % (rng.randrange(1, 9), rng.randrange(20), rng.randrange(20))
        yarn += [(None, '%s@^%s:' % (name, v)), (None, '  version "%s"' % v),
                 ("hash", '  resolved "https://registry.yarnpkg.com/%s/-/%s-%s.tgz#%s"' % (name, name, v, hexs(20))),
                 ("hash", "  integrity sha512-%s" % b64(rng, 64)), (None, "")]
    files.append(("web/yarn.lock", yarn))
    mods = ["github.com/google/uuid", "golang.org/x/crypto", "github.com/spf13/cobra", "gopkg.in/yaml.v3"]
    gosum = []
    for m in mods:
        v = "v%d.%d.%d" % (rng.randrange(3), rng.randrange(30), rng.randrange(10))
        gosum += [("hash", "%s %s h1:%s" % (m, v, b64(rng, 32))), ("hash", "%s %s/go.mod h1:%s" % (m, v, b64(rng, 32)))]
    files.append(("go.sum", gosum))
    poetry = []
    for name in ["requests", "urllib3", "certifi", "idna"]:
        poetry += [(None, "[[package]]"), (None, 'name = "%s"' % name), (None, 'version = "2.%d.0"' % rng.randrange(30)),
                   (None, "files = ["),
                   ("hash", '    {file = "%s-2.0.0-py3-none-any.whl", hash = "sha256:%s"},' % (name, hexs(32))),
                   ("hash", '    {file = "%s-2.0.0.tar.gz", hash = "sha256:%s"},' % (name, hexs(32))),
                   (None, "]"), (None, "")]
    files.append(("services/api/poetry.lock", poetry))
    cargo = [(None, "version = 3"), (None, "")]
    for name in ["serde", "tokio", "regex"]:
        cargo += [(None, "[[package]]"), (None, 'name = "%s"' % name), (None, 'version = "1.0.%d"' % rng.randrange(200)),
                  (None, 'source = "registry+https://github.com/rust-lang/crates.io-index"'),
                  ("hash", 'checksum = "%s"' % hexs(32)), (None, "")]
    files.append(("tools/indexer/Cargo.lock", cargo))
    tf = [(None, 'provider "registry.terraform.io/hashicorp/aws" {'), (None, '  version = "5.31.0"'), (None, "  hashes = [")]
    tf += [("hash", '    "h1:%s",' % b64(rng, 32))] + [("hash", '    "zh:%s",' % hexs(32)) for _ in range(4)]
    tf += [(None, "  ]"), (None, "}")]
    files.append(("infra/.terraform.lock.hcl", tf))
    files.append(("ops/known_hosts", [("public-key", "github.com ssh-ed25519 " + ssh_body(rng, "ed")),
                                      ("public-key", "gitlab.com ssh-rsa " + ssh_body(rng, "rsa")),
                                      ("public-key", "[bastion.acme.io]:2222 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB" + b64(rng, 65))]))
    html = [(None, "<!doctype html>"), (None, "<html lang=\"en\">"), (None, "<head>"),
            ("hash", '  <script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js" integrity="sha384-%s" crossorigin="anonymous"></script>' % b64(rng, 48)),
            ("hash", '  <link rel="stylesheet" href="/assets/app.css" integrity="sha256-%s">' % b64(rng, 32)),
            ("hash", '  <meta http-equiv="Content-Security-Policy" content="script-src \'nonce-%s\' \'strict-dynamic\'">' % b64(rng, 16)),
            (None, "</head>"),
            ("hash", '<body><img alt="logo" src="data:image/png;base64,%s"></body>' % b64(rng, 300)),
            (None, "</html>")]
    files.append(("web/public/index.html", html))
    n = base64.urlsafe_b64encode(rng.randbytes(256)).decode().rstrip("=")
    jwks = [(None, "{"), (None, '  "keys": [{'), (None, '    "kty": "RSA",'), (None, '    "use": "sig",'),
            ("public-key", '    "kid": "%s",' % hexs(16)), ("public-key", '    "n": "%s",' % n), (None, '    "e": "AQAB",'),
            ("public-key", '    "x5c": ["MIIC%s"]' % b64(rng, 600)), (None, "  }]"), (None, "}")]
    files.append(("web/public/.well-known/jwks.json", jwks))
    sops = [(None, "database:"), ("encrypted", "    password: ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (b64(rng, 20), b64(rng, 32), b64(rng, 16))),
            ("encrypted", "    api_key: ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (b64(rng, 30), b64(rng, 32), b64(rng, 16))),
            (None, "sops:"), (None, "    kms: []"),
            (None, "    age:"), ("public-key", "        - recipient: age1" + rand(rng, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)),
            ("encrypted", "          enc: |"), ("encrypted", "            -----BEGIN AGE ENCRYPTED FILE-----"),
            ("encrypted", "            " + b64(rng, 48)), ("encrypted", "            " + b64(rng, 48)),
            ("encrypted", "            -----END AGE ENCRYPTED FILE-----"),
            ("hash", "    mac: ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (b64(rng, 64), b64(rng, 32), b64(rng, 16))),
            (None, "    version: 3.8.1")]
    files.append(("deploy/secrets/prod.enc.yaml", sops))
    vault = [(None, "db_user: app"), ("encrypted", "db_password: !vault |"), ("encrypted", "          $ANSIBLE_VAULT;1.1;AES256")]
    vault += [("encrypted", "          " + hexs(32)) for _ in range(5)]
    files.append(("ansible/group_vars/prod/vault.yml", vault))
    sealed = [(None, "apiVersion: bitnami.com/v1alpha1"), (None, "kind: SealedSecret"), (None, "metadata:"),
              (None, "  name: app-credentials"), (None, "spec:"), (None, "  encryptedData:"),
              ("encrypted", "    DB_PASSWORD: Ag" + b64(rng, 300)), ("encrypted", "    API_TOKEN: Ag" + b64(rng, 300))]
    files.append(("k8s/sealed/app-credentials.yaml", sealed))
    return files


# --------------------------------------------------------------------------------------------
# Building files


class Item:
    """A block of lines; positive labels point at (line offset in block, secret)."""

    def __init__(self, lines, pos=None, neg=None):
        self.lines, self.pos, self.neg = lines, pos, neg


def render_file(lang_name, items, rng):
    """Returns (text, [(item, first_line)]) and for notebooks the cell map."""
    L = LANGS[lang_name]
    if lang_name == "ipynb":
        cells, placed = [], []
        cells.append({"cell_type": "markdown", "metadata": {}, "source": ["# Order analysis\n"]})
        for it in items:
            src = [rng.choice(L.filler)] + it.lines + [rng.choice(L.filler)]
            placed.append((it, len(cells) + 1, 2))  # cell index (1-based), line in cell
            cells.append({"cell_type": "code", "execution_count": len(cells), "metadata": {},
                          "outputs": [], "source": [l + "\n" for l in src[:-1]] + [src[-1]]})
        nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                          "name": "python3"}},
              "nbformat": 4, "nbformat_minor": 5}
        text = json.dumps(nb, indent=1) + "\n"
        return text, placed
    if lang_name == "minjs":
        # One long line: minified bundle code between the items.
        parts, placed = ["/*! acme-web v3.2.1 | MIT */!function(){"], []
        for it in items:
            parts.append("".join(rng.choice(L.filler) for _ in range(60)))
            placed.append((it, 1, sum(len(x) for x in parts)))
            parts.append("".join(it.lines))
        parts.append("}();")
        return "".join(parts) + "\n", placed
    out = list(L.pre)
    placed = []
    for it in items:
        if L.filler:
            out.append(rng.choice(L.filler))
        placed.append((it, len(out) + 1))
        out.extend(it.lines)
        if lang_name in ("pem", "netrc", "npmrc", "gitcreds", "text", "ini", "toml") and it.lines and it.lines[-1].strip():
            out.append("")
    out.extend(L.post)
    return "\n".join(out) + "\n", placed


def notebook_file_line(text, cell_idx, cell_line):
    """Line in the notebook's JSON text that holds a cell's source line (1-based)."""
    lines = text.split("\n")
    cell, in_source, n = 0, False, 0
    for i, l in enumerate(lines):
        if '"cell_type"' in l:
            cell += 1
        if cell == cell_idx and l.strip().startswith('"source"'):
            in_source, n = True, 0
            continue
        if in_source:
            n += 1
            if n == cell_line:
                return i + 1
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--repo", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if os.path.exists(out):
        if not args.force:
            sys.exit("gen_accuracy: %s exists (use --force)" % out)
        shutil.rmtree(out)
    labels = generate(os.path.abspath(args.repo), out, args.seed)
    labels_path = out.rstrip("/") + ".labels.json"
    with open(labels_path, "w") as f:
        json.dump(labels, f, indent=1, sort_keys=True)
    print("gen_accuracy: %d files, %d positives (%d rules), %d hard negatives -> %s" % (
        labels["files"], len(labels["positives"]), sum(1 for r in labels["rules"].values() if r["planted"]),
        len(labels["negatives"]), labels_path), file=sys.stderr)


def generate(repo, out, seed):
    rng = random.Random(seed)
    rules, skipped = load_rules(repo)
    by_id = {r.id: r for r in rules}

    # 1. Positive plantings, grouped by host language: (lang, Item).
    plantings = {n: [] for n in LANGS}

    def plant(lang_name, lines, offset_line, secret, rule, source, encoded=None):
        it = Item(lines, pos=dict(rule=rule.id, family=rule.family if not encoded else "encoded",
                                  secret=secret, source=source, line_off=offset_line, lang=lang_name,
                                  encoded=encoded))
        plantings[lang_name].append(it)

    rotate = 0
    for rule in rules:
        for text, secret in rule.examples:
            text = text.strip("\n")
            host = classify(text)
            lines = text.split("\n")
            off = text[: text.index(secret)].count("\n")
            plant(host, lines, off, secret, rule, "example")
            # Derived: the same secret assigned to a name in other languages.
            if "\n" in secret or rule.regex is None:
                continue
            made = 0
            names = name_candidates(rule, secret)
            for k in range(len(DERIVE_LANGS)):
                if made >= 2:
                    break
                ln = DERIVE_LANGS[(rotate + k) % len(DERIVE_LANGS)]
                if ln == host:
                    continue
                for words in names:
                    line = LANGS[ln].assign(words, secret)
                    if line and rule.finds(line, secret):
                        plant(ln, [line], 0, secret, rule, "derived")
                        made += 1
                        break
            rotate += 3
            # Used, not assigned: a constructor, a header, a flag, a URL, a comment.
            n = snake([w for w in re.split(r"[-_]", rule.id) if w])
            for k in range(len(USE_CONTEXTS)):
                ln, tmpl = USE_CONTEXTS[(rotate + k) % len(USE_CONTEXTS)]
                if ln == host or any(c in secret for c in "\"'`{}"):
                    continue
                line = tmpl.format(v=secret, n=n)
                if rule.finds(line, secret):
                    plant(ln, [line], 0, secret, rule, "context")
                    break

    # Fresh checksummed tokens, two per format, assigned like derived plantings.
    for prefix in CHECKSUM_PREFIXES:
        owners = [r for r in rules if prefix in r.keywords and r.regex is not None]
        for i in range(3):
            tok = github_style(rng, prefix)
            owner = next((r for r in owners if r.finds(tok, tok)), None)
            if owner is None:
                continue
            for k in range(2):
                ln = DERIVE_LANGS[(rotate + k * 7) % len(DERIVE_LANGS)]
                for words in name_candidates(owner, tok):
                    line = LANGS[ln].assign(words, tok)
                    if line and owner.finds(line, tok):
                        plant(ln, [line], 0, tok, owner, "fresh")
                        break
            rotate += 5

    # Generic secrets in every language, twice each shape.
    generic_rule = next((r for r in rules if r.family == "generic"), None)
    for rep in range(2):
        for ln, tmpl, words in GENERIC_SHAPES:
            pw = "password" in (words or []) or "curl -u" in tmpl or "Password=" in tmpl or "postgres:" in tmpl \
                or "password=" in tmpl
            v = generic_value(rng, pw)
            w = words or ["x"]
            line = tmpl.format(v=v, N=upper(w), n=snake(w), c=camel(w), P=pascal(w), d=".".join(w))
            rid = "generic-password" if pw else "generic-api-key"
            if rid not in by_id and generic_rule is not None:
                rid = generic_rule.id
            it = Item([line], pos=dict(rule=rid, family="generic", secret=v, source="generic",
                                       line_off=0, lang=ln, encoded=None, any_rule=True))
            plantings[ln].append(it)

    # Encoded: a few prefixed tokens base64-encoded in a Kubernetes Secret's data: (decoding).
    enc = 0
    eligible = [r for r in rules if r.family not in ("generic", "private-key", "database", "auth")]
    stride = max(1, len(eligible) // 24)
    spread = eligible[::stride]
    for rule in spread + [r for r in eligible if r not in spread]:
        if enc >= 24:
            break
        for text, secret in rule.examples[:1]:
            if "\n" in secret or not rule.finds(secret, secret):
                continue
            b = base64.b64encode(secret.encode()).decode()
            name = upper([w for w in re.split(r"[-_]", rule.id) if w])
            plantings["k8s"].append(Item(["  %s: %s" % (name, b)],
                                         pos=dict(rule=rule.id, family="encoded", secret=secret, source="encoded",
                                                  line_off=0, lang="k8s-data", encoded=b)))
            enc += 1

    # 2. Files: chunks of plantings of one language, interleaved with hard negatives.
    files = {}
    positives, negatives = [], []
    vneg = value_negatives(rng)
    vneg_i = 0
    used_paths = set()
    counters = {}
    projects = ["billing", "payments", "search", "orders", "gateway", "auth", "ledger", "mailer",
                "reports", "catalog", "inventory", "notify", "analytics", "checkout", "profile"]

    def new_path(lang_name):
        L = LANGS[lang_name]
        while True:
            c = counters.get(lang_name, 0)
            counters[lang_name] = c + 1
            tmpl = L.paths[c % len(L.paths)]
            p = tmpl.format(p=projects[c % len(projects)] + ("" if c < len(projects) else str(c // len(projects))))
            if p not in used_paths:
                used_paths.add(p)
                return p

    # Separate k8s data: items need a data: section of their own.
    k8s_data = [it for it in plantings["k8s"] if it.pos and it.pos.get("encoded")]
    plantings["k8s"] = [it for it in plantings["k8s"] if not (it.pos and it.pos.get("encoded"))]

    def negatives_for(lang_name, n):
        nonlocal vneg_i, vneg
        out = []
        L = LANGS[lang_name]
        code = list(CODE_NEGATIVES.get(lang_name, []))
        rng.shuffle(code)
        for kind, line in code[: max(1, n // 3)]:
            out.append(Item([line], neg=dict(kind=kind)))
        tries = 0
        while len(out) < n and tries < 4 * n:
            tries += 1
            if vneg_i and vneg_i % len(vneg) == 0:
                vneg = value_negatives(rng)  # fresh random values for the next round
            kind, words, value = vneg[vneg_i % len(vneg)]
            vneg_i += 1
            line = L.assign(words, value)
            if line is None:
                continue
            out.append(Item([line], neg=dict(kind=kind)))
        for kind, lines in block_negatives(rng, lang_name):
            out.append(Item(lines, neg=dict(kind=kind)))
        return out

    queue = []  # (lang, items, extra) to render
    for lang_name, items in plantings.items():
        if not items:
            continue
        per_file = 1 if lang_name in ("ppk",) else 10
        for i in range(0, len(items), per_file):
            chunk = items[i:i + per_file]
            queue.append((lang_name, chunk))
    if k8s_data:
        for i in range(0, len(k8s_data), 8):
            queue.append(("k8s-data", k8s_data[i:i + 8]))

    fallback, dropped = [], []
    nfile = 0
    while queue:
        lang_name, chunk = queue.pop(0)
        host = "k8s" if lang_name == "k8s-data" else lang_name
        nn = 0 if host in ("ppk", "gitcreds", "netrc", "npmrc", "minjs") else (4 if host in ("pem", "text") else 8)
        negs = negatives_for(host, nn) if nn else []
        items = list(chunk)
        # Interleave: a negative after every positive or so.
        mixed = []
        for j, it in enumerate(items):
            mixed.append(it)
            if j < len(negs):
                mixed.append(negs[j])
        mixed.extend(negs[len(items):])
        path = new_path(host)
        pre_backup = LANGS[host].pre
        if lang_name == "k8s-data":
            LANGS[host].pre = pre_backup[:-1] + ["data:"]
        text, placed = render_file(host, mixed, rng)
        LANGS[host].pre = pre_backup
        # Format stress on some files: Windows line ends, a UTF-8 byte-order mark, no final newline.
        nfile += 1
        if host not in ("ipynb", "minjs", "ppk"):
            multiline = any(it.pos and "\n" in it.pos["secret"] for it in items)
            if nfile % 6 == 0 and not multiline:
                text = text.replace("\n", "\r\n")
            if nfile % 9 == 0:
                text = text.rstrip("\r\n")
            if nfile % 11 == 0:
                text = "\ufeff" + text
        # Oracle: each planted secret must still be extracted by its rule where it was put.
        bad = []
        lines = text.split("\n")
        starts = [0]
        for l in lines:
            starts.append(starts[-1] + len(l) + 1)
        for pl in placed:
            it = pl[0]
            if it.pos is None or it.pos.get("encoded") or it.pos.get("any_rule"):
                continue
            rule = by_id[it.pos["rule"]]
            if rule.regex is None:
                continue  # RE2-only syntax: no oracle, the example is trusted as written
            if host == "ipynb":
                src = "\n".join(it.lines)
                ok = rule.finds(src, it.pos["secret"])
            else:
                # A window of the planted block and two lines either side (the engine confirms
                # matches in windows too; the whole file would make the slow generic regexes
                # take seconds in Python).
                first = pl[1]
                lo = max(0, first - 3)
                hi = min(len(lines), first - 1 + len(it.lines) + 2)
                window = "\n".join(lines[lo:hi])
                block = ("" if host == "minjs" else "\r\n" if "\r\n" in text else "\n").join(it.lines)
                base = pl[2] if host == "minjs" else text.index(block, starts[first - 1])
                b0, b1 = base - starts[lo], base - starts[lo] + len(block)
                ok = any(s == it.pos["secret"] and b0 <= a < b1 for a, s in rule.extract(window))
            if not ok:
                if os.environ.get("GEN_ACCURACY_DEBUG"):
                    print("oracle: %s in %s (%s) not extracted:\n%r" % (it.pos["rule"], path, it.pos["source"], text if host == "ipynb" else window), file=sys.stderr)
                bad.append(it)
        if bad:
            keep = [it for it in chunk if it not in bad]
            if keep:
                queue.insert(0, (lang_name, keep))
            for it in bad:
                if it.pos["source"] == "example" and host != "text":
                    fallback.append(it)
                elif it.pos["source"] == "example":
                    dropped.append({"rule": it.pos["rule"], "secret": it.pos["secret"],
                                    "why": "the rule's regex (Python re) does not extract the secret "
                                           "from its own example text"})
            continue
        files[path] = text
        for pl in placed:
            it = pl[0]
            rec = {"file": path}
            if host == "ipynb":
                cell, first = pl[1], pl[2]
                rec.update(cell=cell, cell_line=first + (it.pos or {}).get("line_off", 0),
                           cell_start_line=first, cell_end_line=first + len(it.lines) - 1)
                rec["line"] = notebook_file_line(text, cell, rec["cell_line"])
                rec["end_line"] = rec["line"] + len(it.lines) - 1
            else:
                first = pl[1]
                rec["line"] = first + (it.pos or {}).get("line_off", 0)
                rec["start_line"] = first
                rec["end_line"] = first + len(it.lines) - 1
            if it.pos is not None:
                p = dict(rec)
                p.update(rule=it.pos["rule"], family=it.pos["family"], secret=it.pos["secret"],
                         source=it.pos["source"], lang=it.pos["lang"] if host != "k8s" or not it.pos.get("encoded") else "k8s-data")
                if it.pos.get("encoded"):
                    p["encoded"] = it.pos["encoded"]
                if it.pos.get("any_rule"):
                    p["any_rule"] = True
                positives.append(p)
            else:
                n = dict(rec)
                n.update(kind=it.neg["kind"], text="\n".join(it.lines))
                negatives.append(n)
        if not queue and fallback:
            # Examples that their host broke: each alone in a plain text file.
            for it in fallback:
                queue.append(("text", [it]))
            fallback = []

    # Whole files of look-alikes.
    for path, rows in negative_files(rng):
        files[path] = "\n".join(line for _, line in rows) + "\n"
        for i, (kind, line) in enumerate(rows):
            if kind:
                negatives.append({"file": path, "line": i + 1, "start_line": i + 1, "end_line": i + 1,
                                  "kind": kind, "text": line})

    # 3. Write.
    for path, text in sorted(files.items()):
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    planted = {}
    for p in positives:
        planted[p["rule"]] = planted.get(p["rule"], 0) + 1
    rule_info = {r.id: {"family": r.family, "planted": planted.get(r.id, 0), "examples": len(r.examples)}
                 for r in rules}
    for rid, why in skipped.items():
        if rid in rule_info:
            rule_info[rid]["skipped"] = why
    return {"version": GENERATOR_VERSION, "seed": seed, "files": len(files), "positives": positives,
            "negatives": negatives, "rules": rule_info,
            "skipped_rules": skipped, "dropped_examples": dropped}


if __name__ == "__main__":
    main()
