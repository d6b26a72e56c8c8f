// Micro benchmarks of the matcher hot path.
//
// What is measured, and why this input: a scanner spends nearly all of its time on text that holds
// no secret at all, so the number that matters is throughput over ordinary source code with the
// full built-in rule set. The input is generated here (deterministically, no files needed): lines
// shaped like Python, JavaScript/TypeScript, Go, Java, YAML and JSON, with the identifiers real
// code has — including the words `key`, `token`, `secret` and `password` at a realistic rate, so
// the keyword prefilter and the generic rules fire and RE2 confirmation is exercised and paid for
// the way it is on real repositories — plus URLs, UUIDs, hex digests and base64 blobs (high-entropy
// text that is *not* a secret).
//
//   BM_ScanSourceCode     Matcher::Scan (Vectorscan + windowed RE2) over 8 MiB in one blob.
//   BM_ScanSourceFiles    the same bytes cut into file-sized blobs (per-blob overhead).
//   BM_ScanWithSecrets    the same text with a planted secret every ~4 KiB (confirm + filters).
//   BM_ScanPrivateKey     a 32 KiB file with one PEM private key block (RE2 on the PEM rules).
//   BM_ScanSimple         the RE2-only reference path, on 512 KiB (it is much slower).
//   BM_ShannonEntropy     entropy of secret-sized strings.
//   BM_LineCounter        offset -> line/column, one lookup every ~4 KiB over 8 MiB.
//
// Each reports bytes/s (Google Benchmark's `bytes_per_second`, in MiB/s) and a decimal `MB/s`
// counter. The compiled Vectorscan database is cached under LEAKGUARD_CACHE_DIR; main() points it
// at a per-user temp directory when unset so repeated runs skip the multi-second compile.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "findings/finding.h"
#include "match/entropy.h"
#include "match/matcher.h"
#include "match/rules_database.h"
#include "rules/loader.h"

namespace leakguard {
namespace {

// ---- Deterministic text generation -------------------------------------------------------------

// splitmix64: tiny, fast, and identical on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool Chance(unsigned percent) { return Below(100) < percent; }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) {
    return a[Below(N)];
  }

 private:
  uint64_t s_;
};

constexpr std::string_view kWords[] = {
    "user",     "account",  "order",   "item",     "price",    "total",     "request", "response",
    "client",   "server",   "config",  "settings", "handler",  "cache",     "buffer",  "queue",
    "message",  "event",    "payload", "record",   "row",      "column",    "table",   "index",
    "session",  "context",  "result",  "error",    "status",   "count",     "limit",   "offset",
    "page",     "path",     "file",    "name",     "value",    "data",      "list",    "map",
    "node",     "tree",     "graph",   "edge",     "worker",   "task",      "job",     "retry",
    "timeout",  "deadline", "metric",  "label",    "tag",      "version",   "build",   "deploy",
    "region",   "zone",     "bucket",  "object",   "stream",   "reader",    "writer",  "parser",
    "token",    "key",      "secret",  "password", "auth",     "login",     "email",   "address",
    "customer", "invoice",  "payment", "product",  "catalog",  "search",    "filter",  "sort",
    "format",   "encode",   "decode",  "hash",     "digest",   "signature", "schema",  "model",
    "view",     "router",   "route",   "service",  "provider", "factory",   "builder", "manager",
};
constexpr std::string_view kVerbs[] = {
    "get",    "set",    "load", "save",     "build",  "parse",   "render",  "fetch",   "update",
    "delete", "create", "find", "validate", "handle", "process", "compute", "resolve", "apply"};
constexpr std::string_view kModules[] = {"os",      "json",    "logging",  "requests", "typing",
                                         "express", "lodash",  "react",    "axios",    "fmt",
                                         "context", "strings", "net/http", "util",     "core",
                                         "models",  "api",     "internal", "storage",  "handlers"};
constexpr std::string_view kComments[] = {
    "TODO: handle the empty case before the loop",
    "the upstream service returns 204 when nothing changed",
    "keep this in sync with the schema in migrations/",
    "retry with exponential backoff, capped at the deadline",
    "we cannot use the cached token here because it may have expired",
    "see https://github.com/org/repo/issues/1234 for the background",
    "NOTE: order matters, the first match wins",
    "convert to UTC before comparing timestamps",
    "the key is the user id, the value the last seen time",
    "fall back to the default region when none is configured",
    "password reset links expire after 24 hours",
    "this is O(n log n) because of the sort",
};
constexpr std::string_view kHosts[] = {
    "api.example.com",  "internal.corp.local", "github.com",       "registry.npmjs.org",
    "s3.amazonaws.com", "localhost:8080",      "db.prod.internal", "cdn.jsdelivr.net"};

class TextGen {
 public:
  explicit TextGen(uint64_t seed) : rng_(seed) {}

  // Appends whole lines to *out until it holds at least `bytes` bytes.
  void Fill(std::string* out, size_t bytes) {
    while (out->size() < bytes) {
      // Files of one language in runs of 30-200 lines, like a concatenation of real files.
      const int lang = static_cast<int>(rng_.Below(6));
      const size_t lines = 30 + rng_.Below(170);
      for (size_t i = 0; i < lines; ++i) Line(lang, out);
    }
  }

  std::string Snake() {
    std::string s(rng_.Pick(kWords));
    if (rng_.Chance(60)) (s += '_') += rng_.Pick(kWords);
    return s;
  }
  std::string Camel(bool upper) {
    std::string s(rng_.Pick(kVerbs));
    std::string w(rng_.Pick(kWords));
    w[0] = static_cast<char>(w[0] - 32);
    s += w;
    if (upper) s[0] = static_cast<char>(s[0] - 32);
    return s;
  }
  std::string Chars(std::string_view alphabet, size_t n) {
    std::string s(n, ' ');
    for (char& c : s) c = alphabet[rng_.Below(alphabet.size())];
    return s;
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  static constexpr std::string_view kAlnum =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static constexpr std::string_view kB64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string Uuid() {
    return Chars(kHex, 8) + "-" + Chars(kHex, 4) + "-" + Chars(kHex, 4) + "-" + Chars(kHex, 4) +
           "-" + Chars(kHex, 12);
  }
  std::string Num() { return std::to_string(rng_.Below(rng_.Chance(80) ? 100 : 100000)); }
  std::string Url() {
    return "https://" + std::string(rng_.Pick(kHosts)) + "/v" + std::to_string(1 + rng_.Below(3)) +
           "/" + Snake() + "/" + Num();
  }
  std::string Value() {
    switch (rng_.Below(8)) {
      case 0:
        return Num();
      case 1:
        return rng_.Chance(50) ? "true" : "false";
      case 2:
        return Url();
      case 3:
        return Uuid();
      case 4:
        return Chars(kHex, rng_.Chance(50) ? 40 : 64);
      case 5:
        return Snake();
      case 6:
        return std::string(rng_.Pick(kHosts));
      default:
        return "\"" + std::string(rng_.Pick(kComments)).substr(0, 20 + rng_.Below(20)) + "\"";
    }
  }

  // A secret of an assorted kind, on a line of its own that looks like where it would be found.
  std::string SecretLine() {
    switch (rng_.Below(6)) {
      case 0:
        return "GITHUB_TOKEN = \"ghp_" + Chars(kAlnum, 36) + "\"\n";
      case 1:
        return "aws_access_key_id = AKIA" + Chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16) + "\n";
      case 2:
        return "  slack_bot: xoxb-" + Chars("0123456789", 12) + "-" + Chars("0123456789", 13) +
               "-" + Chars(kAlnum, 24) + "\n";
      case 3:
        return "stripe.api_key = 'sk_live_" + Chars(kAlnum, 32) + "'\n";
      case 4:
        return "DATABASE_URL=postgres://app:" + Chars(kAlnum, 20) + "@db.prod.internal:5432/app\n";
      default:
        return "    password = \"" + Chars(kAlnum, 18) + "\"\n";
    }
  }

 private:
  void Line(int lang, std::string* o) {
    const std::string ind(4 * rng_.Below(3), ' ');
    switch (lang) {
      case 0:  // Python
        switch (rng_.Below(9)) {
          case 0:
            *o += "def " + Snake() + "(self, " + Snake() + ", " + Snake() + "=" + Num() + "):\n";
            break;
          case 1:
            *o +=
                ind + Snake() + " = self." + Snake() + ".get(\"" + Snake() + "\", " + Num() + ")\n";
            break;
          case 2:
            *o += ind + "# " + std::string(rng_.Pick(kComments)) + "\n";
            break;
          case 3:
            *o += ind + "return " + Snake() + "(" + Snake() + ", timeout=" + Num() + ")\n";
            break;
          case 4:
            *o += "from " + std::string(rng_.Pick(kModules)) + " import " + Camel(true) + "\n";
            break;
          case 5:
            *o += ind + "logger.info(\"" + std::string(rng_.Pick(kComments)) + " %s\", " + Snake() +
                  ")\n";
            break;
          case 6:
            *o += ind + "if " + Snake() + " is None or len(" + Snake() + ") > " + Num() + ":\n";
            break;
          case 7:
            *o += ind + Snake() + " = os.environ.get(\"" + Snake() + "\")\n";
            break;
          default:
            *o += "\n";
            break;
        }
        break;
      case 1:  // JavaScript / TypeScript
        switch (rng_.Below(8)) {
          case 0:
            *o += "const " + Camel(false) + " = require('" + std::string(rng_.Pick(kModules)) +
                  "');\n";
            break;
          case 1:
            *o += "export async function " + Camel(false) + "(" + Camel(false) +
                  ": string, opts?: " + Camel(true) + ") {\n";
            break;
          case 2:
            *o += ind + "const res = await fetch(`" + Url() + "`, { method: 'POST' });\n";
            break;
          case 3:
            *o += ind + "if (" + Camel(false) + "." + Camel(false) +
                  " === undefined) { return null; }\n";
            break;
          case 4:
            *o += ind + "// " + std::string(rng_.Pick(kComments)) + "\n";
            break;
          case 5:
            *o += ind + "this." + Camel(false) + " = " + Camel(false) + "(" + Camel(false) + ", " +
                  Num() + ");\n";
            break;
          case 6:
            *o += "  \"" + Snake() + "\": \"sha512-" + Chars(kB64, 86) + "==\",\n";
            break;
          default:
            *o += "}\n";
            break;
        }
        break;
      case 2:  // Go
        switch (rng_.Below(7)) {
          case 0:
            *o += "func (s *" + Camel(true) + ") " + Camel(true) + "(ctx context.Context, " +
                  Camel(false) + " string) (*" + Camel(true) + ", error) {\n";
            break;
          case 1:
            *o += "\tif err != nil {\n\t\treturn nil, fmt.Errorf(\"" + Snake() +
                  ": %w\", err)\n\t}\n";
            break;
          case 2:
            *o += "\t" + Camel(false) + " := make(map[string]int, " + Num() + ")\n";
            break;
          case 3:
            *o += "\t// " + std::string(rng_.Pick(kComments)) + "\n";
            break;
          case 4:
            *o += "\t" + Camel(false) + ", err := s." + Camel(false) + "." + Camel(true) +
                  "(ctx, " + Camel(false) + ")\n";
            break;
          case 5:
            *o += "\t\"" + std::string(rng_.Pick(kModules)) + "\"\n";
            break;
          default:
            *o += "}\n\n";
            break;
        }
        break;
      case 3:  // Java
        switch (rng_.Below(7)) {
          case 0:
            *o += "import com." + Snake() + "." + Camel(true) + ";\n";
            break;
          case 1:
            *o += "    private final " + Camel(true) + " " + Camel(false) + ";\n";
            break;
          case 2:
            *o += "    public " + Camel(true) + " " + Camel(false) + "() { return this." +
                  Camel(false) + "; }\n";
            break;
          case 3:
            *o += "        /* " + std::string(rng_.Pick(kComments)) + " */\n";
            break;
          case 4:
            *o += "        " + Camel(true) + " " + Camel(false) + " = new " + Camel(true) + "(" +
                  Num() + ", \"" + Snake() + "\");\n";
            break;
          case 5:
            *o += "    @Override\n";
            break;
          default:
            *o += "    }\n";
            break;
        }
        break;
      case 4:  // YAML
        switch (rng_.Below(6)) {
          case 0:
            *o += Snake() + ":\n";
            break;
          case 1:
            *o += "  " + Snake() + ": " + Value() + "\n";
            break;
          case 2:
            *o += "    - name: " + Snake() + "\n      value: " + Value() + "\n";
            break;
          case 3:
            *o += "  image: registry." + std::string(rng_.Pick(kHosts)) + "/" + Snake() + ":1." +
                  Num() + "\n";
            break;
          case 4:
            *o += "# " + std::string(rng_.Pick(kComments)) + "\n";
            break;
          default:
            *o += "  checksum: sha256:" + Chars(kHex, 64) + "\n";
            break;
        }
        break;
      default:  // JSON
        switch (rng_.Below(5)) {
          case 0:
            *o += "  \"" + Camel(false) + "\": \"" + Uuid() + "\",\n";
            break;
          case 1:
            *o += "  \"" + Camel(false) + "\": " + Num() + ",\n";
            break;
          case 2:
            *o += "  \"" + Snake() + "\": \"" + Url() + "\",\n";
            break;
          case 3:
            *o += "  \"data\": \"" + Chars(kB64, 40 + rng_.Below(120)) + "\",\n";
            break;
          default:
            *o += "  \"" + Snake() + "\": {\"id\": \"" + Chars(kHex, 40) + "\"},\n";
            break;
        }
        break;
    }
  }

  Rng rng_;
};

constexpr size_t kCorpusBytes = 8 << 20;

const std::string& SourceCode() {
  static const std::string* text = [] {
    auto* s = new std::string;
    s->reserve(kCorpusBytes + 4096);
    TextGen(42).Fill(s, kCorpusBytes);
    return s;
  }();
  return *text;
}

// SourceCode() with one secret line inserted after the first newline past every ~4 KiB.
const std::string& SourceWithSecrets() {
  static const std::string* text = [] {
    const std::string& src = SourceCode();
    TextGen gen(7);
    auto* s = new std::string;
    s->reserve(src.size() + src.size() / 32);
    size_t pos = 0;
    while (pos < src.size()) {
      size_t nl = src.find('\n', std::min(src.size(), pos + 4096));
      size_t end = nl == std::string::npos ? src.size() : nl + 1;
      s->append(src, pos, end - pos);
      if (end < src.size()) *s += gen.SecretLine();
      pos = end;
    }
    return s;
  }();
  return *text;
}

std::shared_ptr<const match::RulesDatabase> Database() {
  static std::shared_ptr<const match::RulesDatabase> db = [] {
    std::vector<std::string> warnings;
    auto r = match::RulesDatabase::Build(rules::DefaultRules(), &warnings);
    if (!r) {
      std::fprintf(stderr, "match_bench: building the rules database failed\n");
      std::abort();
    }
    return *r;
  }();
  return db;
}

void SetThroughput(benchmark::State& state, size_t bytes_per_iteration) {
  const double total = static_cast<double>(bytes_per_iteration) * state.iterations();
  state.SetBytesProcessed(static_cast<int64_t>(total));
  state.counters["MB/s"] = benchmark::Counter(total / 1e6, benchmark::Counter::kIsRate);
}

// ---- Benchmarks
// ----------------------------------------------------------------------------------

void BM_ScanSourceCode(benchmark::State& state) {
  const std::string& text = SourceCode();
  match::Matcher m(Database());
  std::vector<match::Candidate> out;
  for (auto _ : state) {
    m.Scan(text, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["candidates"] = static_cast<double>(out.size());
  SetThroughput(state, text.size());
}
BENCHMARK(BM_ScanSourceCode)->Unit(benchmark::kMillisecond);

// Real trees are mostly small files: the same bytes as blobs of `range(0)` bytes, cut at newlines.
void BM_ScanSourceFiles(benchmark::State& state) {
  const std::string& text = SourceCode();
  const size_t chunk = static_cast<size_t>(state.range(0));
  std::vector<std::string_view> blobs;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', std::min(text.size(), pos + chunk));
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    blobs.emplace_back(text.data() + pos, end - pos);
    pos = end;
  }
  match::Matcher m(Database());
  std::vector<match::Candidate> out;
  for (auto _ : state) {
    for (std::string_view b : blobs) {
      m.Scan(b, &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  SetThroughput(state, text.size());
}
BENCHMARK(BM_ScanSourceFiles)->Arg(4 << 10)->Arg(32 << 10)->Unit(benchmark::kMillisecond);

void BM_ScanWithSecrets(benchmark::State& state) {
  const std::string& text = SourceWithSecrets();
  match::Matcher m(Database());
  std::vector<match::Candidate> out;
  for (auto _ : state) {
    m.Scan(text, &out);
    benchmark::DoNotOptimize(out.data());
  }
  size_t kept = 0;
  for (const auto& c : out) kept += c.drop == match::DropReason::kNone;
  state.counters["candidates"] = static_cast<double>(kept);
  SetThroughput(state, text.size());
}
BENCHMARK(BM_ScanWithSecrets)->Unit(benchmark::kMillisecond);

// One 32 KiB file holding one PEM private key block (PKCS#8, 25 lines of base64): the cost of
// confirming a private key, which is dominated by RE2 on the PEM rules' long counted repetitions.
void BM_ScanPrivateKey(benchmark::State& state) {
  TextGen gen(11);
  std::string text(SourceCode().substr(0, 16 << 10));
  text.resize(text.rfind('\n') + 1);
  text += "-----BEGIN PRIVATE KEY-----\n";
  for (int i = 0; i < 24; ++i) text += gen.Chars(TextGen::kB64, 64) + "\n";
  text += gen.Chars(TextGen::kB64, 40) + "==\n-----END PRIVATE KEY-----\n";
  text += SourceCode().substr(16 << 10, 16 << 10);
  match::Matcher m(Database());
  std::vector<match::Candidate> out;
  for (auto _ : state) {
    m.Scan(text, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["candidates"] = static_cast<double>(out.size());
  SetThroughput(state, text.size());
}
BENCHMARK(BM_ScanPrivateKey)->Unit(benchmark::kMillisecond);

void BM_ScanSimple(benchmark::State& state) {
  const std::string_view text = std::string_view(SourceCode()).substr(0, 512 << 10);
  match::Matcher m(Database());
  std::vector<match::Candidate> out;
  for (auto _ : state) {
    m.ScanSimple(text, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["candidates"] = static_cast<double>(out.size());
  SetThroughput(state, text.size());
}
BENCHMARK(BM_ScanSimple)->Unit(benchmark::kMillisecond);

void BM_ShannonEntropy(benchmark::State& state) {
  const size_t len = static_cast<size_t>(state.range(0));
  TextGen gen(3);
  std::vector<std::string> secrets;
  for (int i = 0; i < 1024; ++i) secrets.push_back(gen.Chars(TextGen::kB64, len));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(match::ShannonEntropy(secrets[i++ & 1023]));
  }
  SetThroughput(state, len);
}
BENCHMARK(BM_ShannonEntropy)->Arg(20)->Arg(40)->Arg(200);

void BM_LineCounter(benchmark::State& state) {
  const std::string& text = SourceCode();
  for (auto _ : state) {
    findings::LineCounter lc(text);
    size_t line = 0, col = 0;
    for (size_t off = 0; off < text.size(); off += 4093) lc.Locate(off, &line, &col);
    benchmark::DoNotOptimize(line + col);
  }
  SetThroughput(state, text.size());
}
BENCHMARK(BM_LineCounter)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace leakguard

int main(int argc, char** argv) {
  if (const char* d = std::getenv("LEAKGUARD_CACHE_DIR"); !d || !*d) {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/leakguard-bench-cache-" +
                      std::to_string(::getuid());
    ::setenv("LEAKGUARD_CACHE_DIR", dir.c_str(), 1);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // Build the database and the inputs before timing starts.
  leakguard::Database();
  leakguard::SourceWithSecrets();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
