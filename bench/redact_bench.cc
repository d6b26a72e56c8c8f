// Redaction throughput on log-like text, with the full built-in rule set.
//
// The input is generated here, deterministically: the lines services actually log — access-log
// lines, key=value application logs, JSON events, stack traces, SQL, HTTP request dumps — with
// the words that make rules look closer (token, key, secret, password, Authorization), URLs,
// UUIDs, hashes and base64 that are not secrets, and a real-looking secret (assembled at run
// time) every ~40 KiB, so confirmation and masking are paid for too.
//
//   BM_RedactWhole      Redactor::RedactAll over 8 MiB in one buffer (the library's Redact).
//   BM_RedactStream     RedactStream fed 1 MiB blocks (what `leakguard redact FILE` does).
//   BM_RedactPipe64K    RedactStream fed 64 KiB blocks (a default-sized pipe, each block
//                       rescanning 64 KiB of context: the worst steady case).
//   BM_RedactLines      RedactStream fed one line at a time on 512 KiB (per-line latency mode).
//   BM_Copy             the same bytes copied block by block: the memory floor, for the ratio.
//
// Each reports bytes/s and an `MB/s` counter (decimal). `redact_bench --write-corpus=FILE
// --corpus-mb=N` writes the same kind of text to FILE and exits (bench/redact.sh uses it).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match/rules_database.h"
#include "rules/loader.h"
#include "scan/redactor.h"

namespace leakguard {
namespace {

// splitmix64: small, fast, the same everywhere.
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
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) {
    return a[Below(N)];
  }
  std::string Chars(std::string_view alphabet, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += alphabet[Below(alphabet.size())];
    return s;
  }

 private:
  uint64_t s_;
};

constexpr std::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kLevels[] = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
constexpr std::string_view kPaths[] = {"/api/v1/users",
                                       "/api/v1/orders",
                                       "/healthz",
                                       "/api/v2/search?q=shoes&page=2",
                                       "/static/app.js",
                                       "/login",
                                       "/oauth/callback?state=abc123",
                                       "/api/v1/tokens/refresh"};
constexpr int kStatus[] = {200, 200, 201, 304, 404, 500};
constexpr std::string_view kServices[] = {"billing", "auth", "gateway", "search", "worker"};
constexpr std::string_view kMessages[] = {"request completed",
                                          "cache miss for key user:1234",
                                          "retrying after timeout",
                                          "token refreshed for session",
                                          "password reset email queued",
                                          "connection pool exhausted",
                                          "loaded secret from vault path kv/app/db",
                                          "api key rotation scheduled",
                                          "user authenticated via SSO",
                                          "slow query detected"};

class LogGen {
 public:
  explicit LogGen(uint64_t seed) : rng_(seed) {}

  // Appends whole lines until `*out` holds at least `bytes`; counts the secrets planted.
  void Fill(std::string* out, size_t bytes) {
    while (out->size() < bytes) {
      Line(out);
      if (out->size() >= next_secret_) {
        Secret(out);
        next_secret_ = out->size() + 32768 + rng_.Below(16384);
      }
    }
  }
  size_t planted() const { return planted_; }

 private:
  std::string Time() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "2024-05-%02zuT%02zu:%02zu:%02zu.%03zuZ", 1 + rng_.Below(28),
                  rng_.Below(24), rng_.Below(60), rng_.Below(60), rng_.Below(1000));
    return buf;
  }
  std::string Ip() {
    return std::to_string(10 + rng_.Below(200)) + "." + std::to_string(rng_.Below(256)) + "." +
           std::to_string(rng_.Below(256)) + "." + std::to_string(rng_.Below(256));
  }
  std::string Uuid() {
    return rng_.Chars(kHex, 8) + "-" + rng_.Chars(kHex, 4) + "-" + rng_.Chars(kHex, 4) + "-" +
           rng_.Chars(kHex, 4) + "-" + rng_.Chars(kHex, 12);
  }

  void Line(std::string* out) {
    switch (rng_.Below(10)) {
      case 0:
      case 1:  // access log
        *out += Ip() + " - - [" + Time() + "] \"GET " + std::string(rng_.Pick(kPaths)) +
                " HTTP/1.1\" " + std::to_string(rng_.Pick(kStatus)) + " " +
                std::to_string(rng_.Below(90000)) + " \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"\n";
        break;
      case 2:
      case 3:
      case 4:  // key=value application log
        *out += Time() + " " + std::string(rng_.Pick(kLevels)) + " [" +
                std::string(rng_.Pick(kServices)) + "] request_id=" + Uuid() +
                " user_id=" + std::to_string(rng_.Below(1000000)) + " msg=\"" +
                std::string(rng_.Pick(kMessages)) +
                "\" duration_ms=" + std::to_string(rng_.Below(3000)) + "\n";
        break;
      case 5:
      case 6:  // JSON event
        *out += "{\"ts\":\"" + Time() + "\",\"level\":\"" + std::string(rng_.Pick(kLevels)) +
                "\",\"service\":\"" + std::string(rng_.Pick(kServices)) + "\",\"trace_id\":\"" +
                rng_.Chars(kHex, 32) + "\",\"msg\":\"" + std::string(rng_.Pick(kMessages)) +
                "\",\"etag\":\"" + rng_.Chars(kHex, 40) + "\"}\n";
        break;
      case 7:  // stack trace
        *out += Time() + " ERROR [worker] java.lang.IllegalStateException: token expired\n";
        for (int i = 0; i < 4; ++i)
          *out += "\tat com.example." + std::string(rng_.Pick(kServices)) +
                  ".Handler.handle(Handler.java:" + std::to_string(rng_.Below(500)) + ")\n";
        break;
      case 8:  // SQL and a payload with base64 that is not a secret
        *out += Time() + " DEBUG [db] SELECT id, email FROM users WHERE id = " +
                std::to_string(rng_.Below(100000)) + " -- payload=" + rng_.Chars(kAlnum, 24) +
                "==\n";
        break;
      default:  // HTTP request dump headers
        *out += Time() + " DEBUG [http] > Host: api.example.com\n" + Time() +
                " DEBUG [http] > X-Request-Id: " + Uuid() + "\n" + Time() +
                " DEBUG [http] > Accept: application/json\n";
        break;
    }
  }

  // A secret in a log line, assembled at run time (no literal token in this file).
  void Secret(std::string* out) {
    ++planted_;
    switch (rng_.Below(4)) {
      case 0:
        *out += Time() + " DEBUG [http] > Authorization: token " + std::string("gh") + "p_" +
                rng_.Chars(kAlnum, 36) + "\n";
        break;
      case 1:
        *out += Time() + " INFO [deploy] using AWS key " + std::string("AK") + "IA" +
                rng_.Chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16) + "\n";
        break;
      case 2:
        *out += Time() + " DEBUG [payments] stripe.api_key=" + std::string("sk") + "_live_" +
                rng_.Chars(kAlnum, 24) + "\n";
        break;
      default:
        *out += Time() + " WARN [ops] slack notify " + std::string("xo") + "xb-" +
                rng_.Chars("0123456789", 12) + "-" + rng_.Chars("0123456789", 13) + "-" +
                rng_.Chars(kAlnum, 24) + "\n";
        break;
    }
  }

  Rng rng_;
  size_t next_secret_ = 16384;
  size_t planted_ = 0;
};

std::shared_ptr<const match::RulesDatabase> Db() {
  static std::shared_ptr<const match::RulesDatabase> db = [] {
    std::vector<std::string> w;
    auto built = match::RulesDatabase::Build(rules::DefaultRules(), &w);
    if (!built) {
      std::fprintf(stderr, "redact_bench: %s\n", built.error().message().c_str());
      std::exit(1);
    }
    return *built;
  }();
  return db;
}

const std::string& Text(size_t bytes) {
  static std::string text;
  if (text.size() < bytes) {
    text.clear();
    LogGen(42).Fill(&text, bytes);
  }
  return text;
}

void Report(benchmark::State& state, size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6,
                                              benchmark::Counter::kIsIterationInvariantRate);
}

void BM_RedactWhole(benchmark::State& state) {
  const std::string& text = Text(8u << 20);
  scan::Redactor r(Db(), {});
  for (auto _ : state) benchmark::DoNotOptimize(r.RedactAll(text, "-"));
  Report(state, text.size());
}
BENCHMARK(BM_RedactWhole)->Unit(benchmark::kMillisecond)->UseRealTime();

void StreamIn(benchmark::State& state, size_t block) {
  const std::string& text = Text(8u << 20);
  scan::Redactor r(Db(), {});
  std::string out;
  for (auto _ : state) {
    scan::RedactStream s(r, "-");
    for (size_t pos = 0; pos < text.size(); pos += block) {
      s.Feed(std::string_view(text).substr(pos, block), &out);
      out.clear();
    }
    s.Finish(&out);
    benchmark::DoNotOptimize(out);
  }
  Report(state, text.size());
}
void BM_RedactStream(benchmark::State& state) { StreamIn(state, 1u << 20); }
void BM_RedactPipe64K(benchmark::State& state) { StreamIn(state, 64u << 10); }
BENCHMARK(BM_RedactStream)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RedactPipe64K)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RedactLines(benchmark::State& state) {
  std::string text;
  LogGen(7).Fill(&text, 512u << 10);
  scan::Redactor r(Db(), {});
  std::string out;
  for (auto _ : state) {
    scan::RedactStream s(r, "-");
    for (size_t pos = 0; pos < text.size();) {
      size_t nl = text.find('\n', pos);
      size_t end = nl == std::string::npos ? text.size() : nl + 1;
      s.Feed(std::string_view(text).substr(pos, end - pos), &out);
      out.clear();
      pos = end;
    }
    s.Finish(&out);
  }
  Report(state, text.size());
}
BENCHMARK(BM_RedactLines)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Copy(benchmark::State& state) {
  const std::string& text = Text(8u << 20);
  std::string out(1u << 20, '\0');
  for (auto _ : state) {
    for (size_t pos = 0; pos < text.size(); pos += out.size()) {
      const size_t n = std::min(out.size(), text.size() - pos);
      std::memcpy(out.data(), text.data() + pos, n);
      benchmark::DoNotOptimize(out.data());
    }
  }
  Report(state, text.size());
}
BENCHMARK(BM_Copy)->Unit(benchmark::kMillisecond)->UseRealTime();

// --write-corpus=FILE [--corpus-mb=N]: writes N MB (default 100) of the same kind of text.
bool MaybeWriteCorpus(int argc, char** argv) {
  std::string file;
  size_t mb = 100;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with("--write-corpus=")) file = std::string(a.substr(15));
    if (a.starts_with("--corpus-mb=")) mb = std::strtoull(argv[i] + 12, nullptr, 10);
  }
  if (file.empty()) return false;
  LogGen gen(42);
  std::string text;
  gen.Fill(&text, mb * 1000 * 1000);
  std::ofstream(file, std::ios::binary)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
  std::printf("%zu bytes, %zu planted secrets\n", text.size(), gen.planted());
  return true;
}

}  // namespace
}  // namespace leakguard

int main(int argc, char** argv) {
  if (leakguard::MaybeWriteCorpus(argc, argv)) return 0;
  // Reuse the compiled rules between runs (the first compile takes seconds).
  if (!std::getenv("LEAKGUARD_CACHE_DIR")) {
    static std::string dir = "/tmp/leakguard-bench-cache-" + std::to_string(::getuid());
    ::setenv("LEAKGUARD_CACHE_DIR", dir.c_str(), 0);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
