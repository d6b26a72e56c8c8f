// `leakguard scan [PATH ...]`: files, directory trees and standard input.
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "findings/ignore_file.h"
#include "input/file_source.h"
#include "input/stream_source.h"
#include "report/reporter.h"
#include "scan/config.h"
#include "scan/scanner.h"

namespace leakguard::cli {
namespace {

// Several sources in order (stdin among paths: `leakguard scan a/ - b/`).
class MultiSource : public input::Source {
 public:
  void Add(std::unique_ptr<input::Source> s) { sources_.push_back(std::move(s)); }
  Status Enumerate(const std::function<void(input::Item&&)>& emit,
                   const std::function<void(input::SkipReason, const std::string&,
                                            const std::string&)>& skipped) override {
    for (auto& s : sources_)
      if (Status st = s->Enumerate(emit, skipped); !st.ok()) return st;
    return Status::Ok();
  }

 private:
  std::vector<std::unique_ptr<input::Source>> sources_;
};

struct ScanFlags {
  std::vector<std::string> paths;
  bool stdin_flag = false;
  CommonFlags common;
  OutputFlags out;
  InputFlags in;
  bool respect_gitignore = false;
  bool follow_symlinks = false;
  std::vector<std::string> include, exclude;
  std::string engine = "vectorscan";
  bool rule_stats = false;
  std::string archives = "on";
  uint32_t max_archive_depth = 8;
  std::string max_archive_bytes = "4G";
  uint64_t max_archive_ratio = 100;
  uint64_t max_archive_entries = 1'000'000;
  double archive_timeout = 300;
};

void PrintRuleStats(const match::RulesDatabase& db, const std::vector<match::RuleStats>& stats) {
  std::vector<size_t> order(stats.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return stats[a].nanos > stats[b].nanos; });
  fmt::print(stderr, "{:<40} {:>10} {:>9} {:>12} {:>9} {:>10}\n", "rule", "hits", "windows",
             "re2 bytes", "matches", "ms");
  for (size_t i : order) {
    const auto& s = stats[i];
    if (s.windows == 0 && s.prefilter_hits == 0) continue;
    fmt::print(stderr, "{:<40} {:>10} {:>9} {:>12} {:>9} {:>10.1f}\n", db.rules()[i].rule->id,
               s.prefilter_hits, s.windows, s.bytes_confirmed, s.candidates, s.nanos / 1e6);
  }
}

int Run(const ScanFlags& f) {
  SetupLogging(f.common);
  auto settings = ValidateScanFlags(f.out, f.in);
  if (!settings) return UsageError(settings.error().message());
  if (f.engine != "vectorscan" && f.engine != "re2")
    return UsageError("--engine must be 'vectorscan' or 're2'");
  if (f.archives != "on" && f.archives != "off")
    return UsageError("--archives must be 'on' or 'off'");
  auto max_archive_bytes = ParseSize(f.max_archive_bytes, UINT64_MAX);
  if (!max_archive_bytes)
    return UsageError(fmt::format("--max-archive-bytes: {}", max_archive_bytes.error().message()));
  if (f.max_archive_depth < 1 || f.max_archive_depth > 64)
    return UsageError("--max-archive-depth must be from 1 to 64 (--archives=off opens none)");
  if (f.max_archive_ratio < 1) return UsageError("--max-archive-ratio must be at least 1");
  if (f.max_archive_entries < 1) return UsageError("--max-archive-entries must be at least 1");
  if (!(f.archive_timeout > 0) || f.archive_timeout > 1e7)
    return UsageError("--archive-timeout must be a number of seconds above 0");

  std::vector<std::string> paths = f.paths;
  if (f.stdin_flag) paths.push_back("-");
  if (paths.empty()) paths.push_back(".");
  std::vector<std::string> fs_paths;
  bool has_stdin = false;
  for (const auto& p : paths) {
    if (p == "-") {
      if (has_stdin) return UsageError("standard input ('-') named twice");
      has_stdin = true;
      continue;
    }
    struct stat st;
    if (::stat(p.c_str(), &st) != 0)
      return UsageError(fmt::format("{}: no such file or directory", PrintablePath(p)));
    fs_paths.push_back(p);
  }

  scan::ConfigChoice choice;
  choice.explicit_path = f.common.config;
  choice.rule_files = f.common.rules;
  choice.rules_only = f.common.rules_only;
  choice.roots = fs_paths;
  choice.disable_vectorscan = f.engine == "re2";
  auto loaded = scan::LoadRules(choice);
  if (!loaded) return ConfigError(loaded.error().message());

  findings::IgnoreList ignore;
  if (Status s = LoadIgnoreFiles(fs_paths, f.in, &ignore); !s.ok()) return UsageError(s.message());

  scan::ScanOptions so;
  so.threads = f.in.threads;
  so.read.max_file_size = settings->max_file_size;
  so.read.scan_binary = f.in.scan_binary;
  so.decode_depth = f.in.decode_depth;
  so.decode_budget = f.in.decode_budget;
  so.explain = f.out.explain;
  so.min_confidence = settings->min_confidence;
  so.mask = settings->mask;
  so.ignore = &ignore;
  so.use_simple_matcher = f.engine == "re2";
  so.rule_stats = f.rule_stats;
  so.archives = f.archives == "on";
  so.archive_limits.max_depth = f.max_archive_depth;
  so.archive_limits.max_bytes = *max_archive_bytes;
  so.archive_limits.max_ratio = f.max_archive_ratio;
  so.archive_limits.max_entries = f.max_archive_entries;
  so.archive_limits.max_seconds = f.archive_timeout;

  MultiSource source;
  if (!fs_paths.empty()) {
    input::FileSourceOptions fo;
    fo.follow_symlinks = f.follow_symlinks;
    fo.respect_gitignore = f.respect_gitignore;
    fo.include = f.include;
    fo.exclude = f.exclude;
    source.Add(std::make_unique<input::FileSource>(fs_paths, fo));
  }
  if (has_stdin) {
    input::StreamOptions stream;
    stream.skip_binary = !f.in.scan_binary;
    stream.archives = so.archives;
    source.Add(std::make_unique<input::StreamSource>(STDIN_FILENO, "-", stream));
  }

  scan::Scanner scanner(loaded->db, so);
  scan::ScanResult result = scanner.Run(source);
  if (f.rule_stats) PrintRuleStats(*loaded->db, result.rule_stats);
  return WriteReport(f.out, settings->format, *loaded->db, result.findings, result.summary);
}

}  // namespace

std::function<int()> RegisterScan(CLI::App& app) {
  auto f = std::make_shared<ScanFlags>();
  CLI::App* cmd = app.add_subcommand(
      "scan",
      "Scan files, directory trees and standard input for secrets.\n"
      "Everything under each PATH is scanned (no .gitignore filtering unless asked); binary files\n"
      "and files over --max-file-size are skipped and counted. Archives (zip, jar, whl, tar.gz,\n"
      "npm .tgz, .gem, .crate, 7z, rpm, deb, .gz/.bz2/.xz/.zst ...), docker/OCI image tarballs "
      "and\n"
      "Jupyter notebooks are opened and their members scanned (--archives=off to skip them).\n"
      "Exit code: 0 no findings, 1 findings (see --exit-code), 2 usage, configuration or runtime\n"
      "error.");
  cmd->add_option("paths", f->paths,
                  "Files or directories to scan ('-' = standard input); default: .");
  cmd->add_flag("--stdin", f->stdin_flag, "Scan standard input (same as the path '-')");
  AddCommonFlags(cmd, &f->common);
  AddRuleFileFlags(cmd, &f->common);
  AddOutputFlags(cmd, &f->out);
  AddInputFlags(cmd, &f->in, "files");
  cmd->add_flag("--respect-gitignore", f->respect_gitignore,
                "Skip what .gitignore, .ignore and .git/info/exclude exclude, and .git itself");
  cmd->add_flag("-L,--follow-symlinks", f->follow_symlinks,
                "Follow symbolic links (loops are detected and not re-entered)");
  cmd->add_option("--include", f->include,
                  "Only scan files matching this glob (repeatable; no '/' = any depth)")
      ->allow_extra_args(false);  // one value per use: never swallow the PATHs after it
  cmd->add_option("--exclude", f->exclude,
                  "Skip files and directories matching this glob (repeatable; no '/' = any depth)")
      ->allow_extra_args(false);  // one value per use: never swallow the PATHs after it
  cmd->add_option("--engine", f->engine,
                  "Matching engine: vectorscan (default) or re2 (reference, slower)");
  cmd->add_option("--archives", f->archives,
                  "Open archives, container image tarballs and notebooks and scan what they hold: "
                  "on (default) or off")
      ->capture_default_str();
  cmd->add_option("--max-archive-depth", f->max_archive_depth,
                  "Open archives nested at most this deep (an archive named on the command line "
                  "is level 1)")
      ->capture_default_str();
  cmd->add_option("--max-archive-bytes", f->max_archive_bytes,
                  "Stop reading a top-level input after this much uncompressed member data, all "
                  "nesting levels together; K/M/G/T suffixes")
      ->capture_default_str();
  cmd->add_option("--max-archive-ratio", f->max_archive_ratio,
                  "Stop reading an archive that expands to more than this many times its size "
                  "(past its first 16 MiB of output): zip bombs")
      ->capture_default_str();
  cmd->add_option("--max-archive-entries", f->max_archive_entries,
                  "Stop reading a top-level input after this many archive entries, all levels "
                  "together")
      ->capture_default_str();
  cmd->add_option("--archive-timeout", f->archive_timeout,
                  "Stop reading a top-level archive (or an archive on stdin) after this many "
                  "seconds")
      ->capture_default_str();
  cmd->add_flag("--rule-stats", f->rule_stats,
                "Print per-rule cost (prefilter hits, RE2 windows and bytes, time) to stderr, "
                "costliest first: for tuning custom rules");
  return [f]() { return Run(*f); };
}

}  // namespace leakguard::cli
