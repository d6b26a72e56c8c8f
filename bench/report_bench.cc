// Report rendering cost: 1,000 findings shaped like a source-tree scan's (redacted secrets,
// matches, paths, tags), written by each reporter to a string stream. Reports findings/s; the
// scan itself is measured elsewhere (match_bench, macro.sh).
#include <benchmark/benchmark.h>

#include <sstream>
#include <string>
#include <vector>

#include "findings/finding.h"
#include "redact/redact.h"
#include "report/reporter.h"

namespace leakguard {
namespace {

std::vector<findings::Finding> MakeFindings(size_t n) {
  std::vector<findings::Finding> all;
  all.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    findings::Finding f;
    f.rule_id = i % 3 ? "generic-api-key" : "github-pat";
    f.description = i % 3 ? "Hard-coded API key, secret or token: a key/secret/token-named variable"
                          : "GitHub personal access token (classic)";
    f.tags =
        i % 3 ? std::vector<std::string>{"generic"} : std::vector<std::string>{"github", "token"};
    f.rel_path = "src/module_" + std::to_string(i % 97) + "/service_" + std::to_string(i) + ".py";
    f.file = "./" + f.rel_path;
    f.line = 10 + i % 300;
    f.column = 15;
    f.end_line = f.line;
    f.end_column = 54;
    // Assembled from parts so the source holds no token-shaped literal.
    f.secret = std::string("gh") + "p_" + std::string(36, static_cast<char>('a' + i % 26));
    f.match = "api_token = \"" + f.secret + "\"";
    f.line_text = "    " + f.match + "  # service " + std::to_string(i);
    f.entropy = 3.5 + static_cast<double>(i % 100) / 97.0;
    f.confidence = i % 3 ? "low" : "high";
    findings::ComputeIds(&f);
    findings::Redact(&f, redact::MaskPolicy{});
    all.push_back(std::move(f));
  }
  return all;
}

void BM_Report(benchmark::State& state, report::Format format) {
  const std::vector<findings::Finding> all = MakeFindings(1000);
  report::Summary summary;
  summary.files_scanned = 3638;
  summary.bytes_scanned = 104857617;
  summary.findings = all.size();
  summary.seconds = 0.27;
  summary.rules = 513;
  report::ReportOptions options;
  options.tool_version = "bench";
  auto reporter = report::MakeReporter(format, options);
  size_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out;
    if (!reporter->Write(all, summary, out).ok()) state.SkipWithError("write failed");
    bytes = out.str().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * all.size()));
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK_CAPTURE(BM_Report, json, report::Format::kJson)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Report, jsonl, report::Format::kJsonl)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Report, sarif, report::Format::kSarif)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Report, text, report::Format::kText)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Report, csv, report::Format::kCsv)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace leakguard

BENCHMARK_MAIN();
