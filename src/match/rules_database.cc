// Building the scan database.
//
// Every rule's regex goes into one Vectorscan (Hyperscan) block-mode database, so a blob's bytes
// are read once for all rules. Vectorscan and RE2 accept nearly the same syntax, but not quite:
// Vectorscan rejects some constructs and some patterns are too large for it. We therefore compile
// all patterns at once and, when the compiler names a failing pattern, demote that pattern one
// step — exact, then HS_FLAG_PREFILTER (a superset), then out of the database (keywords or every
// blob) — and try again. Prefilter hits are only candidates: RE2 always has the last word.
//
// Keywords (gitleaks semantics: a rule applies only when one of its keywords occurs in the blob,
// case-insensitively) are not in the database: hundreds of short caseless literals would cost
// more on every byte than all the rules together. The matcher checks them only for rules that
// produced a candidate (see matcher.cc).
#include "match/rules_database.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/core.h>
#include <hs/hs.h>
#include <re2/re2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>

#include "base/check.h"
#include "base/hash.h"
#include "base/log.h"
#include "match/hs_runtime.h"
#include "match/regex_info.h"
#include "rules/loader.h"

namespace leakguard::match {

std::string_view PrefilterModeName(PrefilterMode m) {
  switch (m) {
    case PrefilterMode::kExact:
      return "vectorscan";
    case PrefilterMode::kPrefilter:
      return "vectorscan-prefilter";
    case PrefilterMode::kKeywords:
      return "keywords";
    case PrefilterMode::kAlways:
      return "every-blob";
    case PrefilterMode::kPathOnly:
      return "path-only";
  }
  return "?";
}

namespace {

std::shared_ptr<const re2::RE2> CompileRe2(const std::string& pattern, Status* status,
                                           std::string_view what,
                                           const rules::CompiledRegex& already = nullptr) {
  if (already) return already;
  auto re = std::make_shared<re2::RE2>(pattern, rules::RegexOptions());
  if (!re->ok()) {
    *status = ParseError(fmt::format("{}: invalid regex: {}", what, re->error()));
    return nullptr;
  }
  return re;
}

// Compiles an allowlist's regexes and paths (those the loader compiled are taken as they are).
Status CompileAllowlistRegexes(const rules::Allowlist& al, std::string_view what,
                               std::vector<std::shared_ptr<const re2::RE2>>* regexes,
                               std::vector<std::shared_ptr<const re2::RE2>>* paths) {
  Status st;
  for (size_t i = 0; i < al.regexes.size(); ++i) {
    regexes->push_back(
        CompileRe2(al.regexes[i], &st, what,
                   i < al.compiled_regexes.size() ? al.compiled_regexes[i] : nullptr));
    if (!st.ok()) return st;
  }
  for (size_t i = 0; i < al.paths.size(); ++i) {
    paths->push_back(CompileRe2(al.paths[i], &st, what,
                                i < al.compiled_paths.size() ? al.compiled_paths[i] : nullptr));
    if (!st.ok()) return st;
  }
  // Several regexes of one allowlist become one alternation, searched in a single pass; each
  // alternative keeps its own inline flags inside its (?:...) group.
  auto combine = [&](const std::vector<std::string>& res,
                     std::vector<std::shared_ptr<const re2::RE2>>* compiled) {
    if (res.size() < 2) return;
    std::string joined;
    for (const auto& r : res) joined += (joined.empty() ? "(?:" : "|(?:") + r + ")";
    auto re = std::make_shared<re2::RE2>(joined, rules::RegexOptions());
    if (re->ok()) {
      compiled->clear();
      compiled->push_back(std::move(re));
    }
  };
  combine(al.regexes, regexes);
  combine(al.paths, paths);
  return Status::Ok();
}

// `built_in`: the rule set embedded in the binary, whose regexes its tests compile: compiled on
// first use. Others (files the loader has compiled already, rules made through the C++ API) now,
// so that an invalid regex is an error of Build.
Status CompileAllowlist(const rules::Allowlist& al, std::string_view what, bool built_in,
                        CompiledAllowlist* out) {
  out->src = &al;
  out->location_dependent = !al.paths.empty() || !al.commits.empty();
  if (built_in) {
    out->deferred_ = true;
    return Status::Ok();
  }
  return CompileAllowlistRegexes(al, what, &out->regexes_, &out->paths_);
}

size_t MaxWidth(const std::string& pattern, unsigned flags) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  size_t width = SIZE_MAX;
  if (hs_expression_info(pattern.c_str(), flags, &info, &err) == HS_SUCCESS) {
    if (info->max_width != UINT_MAX) width = info->max_width;
    free(info);
  } else {
    hs_free_compile_error(err);
  }
  return width;
}

// ---- The compiled-database cache -------------------------------------------------------------
// Compiling a few hundred regexes takes Vectorscan seconds; loading a serialized database takes
// milliseconds. The cache key covers everything the result depends on: the patterns and flags in
// order, the keywords, the Vectorscan version and this CPU's platform features. The file records
// the final prefilter mode of every rule (after demotions) followed by the serialized database.
// Files are written to a temporary name and renamed, so a crash never leaves a torn entry; any
// entry that fails to load is ignored and rebuilt.

std::string CacheKey(const std::vector<rules::Rule>& rs, const std::vector<std::string>& keywords) {
  const hs_platform_info_t& plat = GetHsRuntime().platform;
  std::string material =
      fmt::format("leakguard-hs-cache-v3\n{}\n{}:{}\n", hs_version(), plat.tune, plat.cpu_features);
  for (const auto& r : rs) {
    material += r.regex;
    material += '\0';
    material += r.keywords.empty() ? '0' : '1';
  }
  for (const auto& k : keywords) {
    material += k;
    material += '\0';
  }
  return Sha256Hex(material).substr(0, 32);
}

// Every rule set scanned with (built-in rules of each version, each custom config) leaves one
// entry of a few MB, so the cache is bounded: after writing an entry, all but the
// kCacheEntriesKept most recently used databases are removed (an entry loaded from the cache has
// its modification time refreshed, so it counts as used), and so are temporary files a crashed
// writer left behind more than an hour ago. Errors are ignored: the cache is an optimisation.
constexpr size_t kCacheEntriesKept = 16;

// An entry starts with one record per rule: its final prefilter mode (one byte), then the
// longest match of its regex in bytes (uint32, host order — the key covers the CPU; UINT32_MAX
// for unbounded), then comes the serialized database.
constexpr size_t kCacheRuleBytes = 1 + sizeof(uint32_t);

// Deserializes a cached database into memory of its own, mapped with transparent huge pages
// where the system grants them on request: the database is a few MB, and faulting it in 4 KiB
// pages (Vectorscan's own allocation, then zeroing and copying it) was ~800 page faults, a
// measurable part of start-up. On success *mem and *size describe the mapping, which holds the
// database at its start (release with munmap, not hs_free_database).
bool DeserializeMapped(std::string_view bytes, void** mem, size_t* size) {
  size_t need = 0;
  if (hs_serialized_database_size(bytes.data(), bytes.size(), &need) != HS_SUCCESS || need == 0)
    return false;
  constexpr size_t kHuge = 2u << 20;
  const size_t len = (need + kHuge - 1) & ~(kHuge - 1);
  // Twice the length, so that a 2 MiB-aligned run of `len` bytes lies inside; the rest is
  // unmapped again.
  void* raw =
      ::mmap(nullptr, len + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return false;
  const auto base = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (base + kHuge - 1) & ~(kHuge - 1);
  if (aligned > base) ::munmap(raw, aligned - base);
  if (const uintptr_t end = base + len + kHuge; end > aligned + len)
    ::munmap(reinterpret_cast<void*>(aligned + len), end - (aligned + len));
  void* p = reinterpret_cast<void*>(aligned);
  ::madvise(p, len, MADV_HUGEPAGE);  // advice only: without THP, ordinary pages
  if (hs_deserialize_database_at(bytes.data(), bytes.size(), static_cast<hs_database_t*>(p)) !=
      HS_SUCCESS) {
    ::munmap(p, len);
    return false;
  }
  *mem = p;
  *size = len;
  return true;
}

void PruneCache(const std::string& dir, const std::string& keep) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  std::vector<std::pair<std::time_t, std::string>> dbs;
  const std::time_t now = std::time(nullptr);
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (!name.starts_with("hs-")) continue;
    const std::string path = dir + "/" + std::string(name);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (name.find(".db.tmp.") != std::string_view::npos) {
      if (now - st.st_mtime > 3600) ::unlink(path.c_str());
    } else if (name.ends_with(".db") && path != keep) {
      dbs.emplace_back(st.st_mtime, path);
    }
  }
  ::closedir(d);
  if (dbs.size() + 1 <= kCacheEntriesKept) return;
  std::sort(dbs.begin(), dbs.end(), std::greater<>());  // newest first
  for (size_t i = kCacheEntriesKept - 1; i < dbs.size(); ++i) ::unlink(dbs[i].second.c_str());
}

}  // namespace

void CompiledAllowlist::EnsureCompiled() const {
  if (!deferred_) return;
  std::call_once(*once_, [this] {
    const Status st = CompileAllowlistRegexes(*src, "built-in allowlist", &regexes_, &paths_);
    LG_CHECK(st.ok());  // the built-in rules' tests compile every regex
  });
}

void CompiledRule::EnsureCompiled() const {
  std::call_once(*once_, [this] {
    if (!re_) re_ = std::make_shared<re2::RE2>(rule->regex, rules::RegexOptions());
    num_groups_ = re_->NumberOfCapturingGroups();
    if (!width_known_) max_width_ = MaxWidth(rule->regex, 0);
  });
}

RulesDatabase::~RulesDatabase() {
  if (hs_mem_)
    ::munmap(hs_mem_, hs_mem_size_);
  else if (hs_db_)
    hs_free_database(static_cast<hs_database_t*>(hs_db_));
}

Result<std::shared_ptr<const RulesDatabase>> RulesDatabase::Build(
    rules::RuleSet set, std::vector<std::string>* warnings, BuildOptions options) {
  std::shared_ptr<RulesDatabase> db(new RulesDatabase());
  db->set_ = std::move(set);
  const auto& rs = db->set_.rules;
  db->rules_.resize(rs.size());
  std::map<std::string, uint32_t> keyword_index;

  for (size_t i = 0; i < rs.size(); ++i) {
    const rules::Rule& r = rs[i];
    CompiledRule& cr = db->rules_[i];
    cr.rule = &r;
    cr.generic = r.HasTag("generic");
    std::string what = fmt::format("{}:{}: rule '{}'", r.pos.file, r.pos.line, r.id);
    Status st;
    if (!r.regex.empty()) {
      cr.re_ = r.compiled_regex;  // null for built-in rules: compiled on first use
      cr.line_bounded = LineBounded(r.regex);
    }
    if (!r.path.empty()) {
      cr.path = CompileRe2(r.path, &st, what, r.compiled_path);
      if (!st.ok()) return Err(st);
    }
    for (const auto& al : r.allowlists) {
      cr.allowlists.emplace_back();
      if (auto s =
              CompileAllowlist(al, what, r.pos.file == rules::kBuiltInFile, &cr.allowlists.back());
          !s.ok())
        return Err(s);
    }
    if (!r.validator.empty()) {
      auto v = ParseValidator(r.validator);
      if (!v)
        return Err(ParseError(fmt::format("{}: unknown validator '{}' (known: {})", what,
                                          r.validator, ValidatorNames())));
      cr.validator = *v;
    }
    if (!r.confidence.empty())
      cr.confidence = ParseConfidence(r.confidence).value_or(Confidence::kMedium);
    else
      cr.confidence = r.HasTag("generic") ? Confidence::kLow : Confidence::kMedium;
    for (const auto& k : r.keywords) {
      auto [it, inserted] = keyword_index.emplace(k, static_cast<uint32_t>(db->keywords_.size()));
      if (inserted) db->keywords_.push_back(k);
      cr.keyword_ids.push_back(it->second);
    }
    cr.mode = r.regex.empty() ? PrefilterMode::kPathOnly
              : options.disable_vectorscan
                  ? (r.keywords.empty() ? PrefilterMode::kAlways : PrefilterMode::kKeywords)
                  : PrefilterMode::kExact;
  }
  for (const auto& al : db->set_.allowlists) {
    db->global_.emplace_back();
    if (auto s = CompileAllowlist(al, "global allowlist", /*built_in=*/false, &db->global_.back());
        !s.ok())
      return Err(s);
    for (const auto& id : al.target_rules) {
      bool found = false;
      for (size_t i = 0; i < rs.size(); ++i)
        if (rs[i].id == id) {
          db->global_.back().target_rules.push_back(i);
          found = true;
        }
      if (!found && warnings)
        warnings->push_back(
            fmt::format("global allowlist: targetRules names unknown rule '{}'", id));
    }
  }

  const std::string cache_dir = options.disable_vectorscan ? "" : CacheDir();
  const std::string cache_file =
      cache_dir.empty() ? "" : cache_dir + "/hs-" + CacheKey(rs, db->keywords_) + ".db";
  bool from_cache = false;
  if (!cache_file.empty()) {
    // Mapped, not read: the entry is a few MB and Vectorscan copies what it needs.
    std::string_view data;
    void* map = MAP_FAILED;
    size_t map_size = 0;
    if (int fd = ::open(cache_file.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
      struct stat st {};
      if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        map_size = static_cast<size_t>(st.st_size);
        map = ::mmap(nullptr, map_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) data = std::string_view(static_cast<const char*>(map), map_size);
      }
      ::close(fd);
    }
    const size_t header = rs.size() * kCacheRuleBytes;
    if (data.size() > header) {
      bool modes_ok = true;
      for (size_t i = 0; i < rs.size(); ++i) {
        const char* rec = data.data() + i * kCacheRuleBytes;
        auto m = static_cast<PrefilterMode>(rec[0]);
        if (m > PrefilterMode::kPathOnly)
          modes_ok = false;
        else
          db->rules_[i].mode = m;
        uint32_t width = 0;
        std::memcpy(&width, rec + 1, sizeof width);
        db->rules_[i].max_width_ = width == UINT32_MAX ? SIZE_MAX : width;
      }
      if (modes_ok && DeserializeMapped(data.substr(header), &db->hs_mem_, &db->hs_mem_size_)) {
        db->hs_db_ = db->hs_mem_;
        from_cache = true;
        for (auto& cr : db->rules_) cr.width_known_ = !cr.rule->regex.empty();
        ::utimensat(AT_FDCWD, cache_file.c_str(), nullptr, 0);  // used now (PruneCache)
      } else {
        for (size_t i = 0; i < rs.size(); ++i)
          db->rules_[i].mode =
              rs[i].regex.empty() ? PrefilterMode::kPathOnly : PrefilterMode::kExact;
      }
    }
    if (map != MAP_FAILED) ::munmap(map, map_size);
  }

  // Compile; demote the pattern the compiler names until the whole set compiles.
  while (!from_cache) {
    std::vector<std::string> patterns;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < rs.size(); ++i) {
      const CompiledRule& cr = db->rules_[i];
      if (cr.mode != PrefilterMode::kExact && cr.mode != PrefilterMode::kPrefilter) continue;
      patterns.push_back(rs[i].regex);
      flags.push_back(cr.mode == PrefilterMode::kPrefilter ? HS_FLAG_PREFILTER : 0u);
      ids.push_back(static_cast<unsigned>(i));
    }
    if (options.disable_vectorscan || patterns.empty()) break;
    std::vector<const char*> cps;
    for (auto& p : patterns) cps.push_back(p.c_str());
    hs_database_t* hs = nullptr;
    hs_compile_error_t* err = nullptr;
    hs_error_t rc =
        hs_compile_multi(cps.data(), flags.data(), ids.data(), static_cast<unsigned>(cps.size()),
                         HS_MODE_BLOCK, &GetHsRuntime().platform, &hs, &err);
    if (rc == HS_SUCCESS) {
      db->hs_db_ = hs;
      if (!cache_file.empty() && MakeDirs(cache_dir)) {
        char* bytes = nullptr;
        size_t len = 0;
        if (hs_serialize_database(hs, &bytes, &len) == HS_SUCCESS) {
          std::string tmp = fmt::format("{}.tmp.{}", cache_file, ::getpid());
          int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
          if (fd >= 0) {
            std::string header;
            for (const auto& cr : db->rules_) {
              header += static_cast<char>(cr.mode);
              const size_t w = cr.rule->regex.empty() ? 0 : MaxWidth(cr.rule->regex, 0);
              const uint32_t width = w >= UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(w);
              header.append(reinterpret_cast<const char*>(&width), sizeof width);
            }
            bool ok =
                ::write(fd, header.data(), header.size()) == static_cast<ssize_t>(header.size()) &&
                ::write(fd, bytes, len) == static_cast<ssize_t>(len);
            ok = ::close(fd) == 0 && ok;
            if (!ok || ::rename(tmp.c_str(), cache_file.c_str()) != 0) ::unlink(tmp.c_str());
            PruneCache(cache_dir, cache_file);
          }
          free(bytes);
        }
      }
      break;
    }
    int bad = err->expression;
    std::string message = err->message;
    hs_free_compile_error(err);
    if (bad < 0 || static_cast<unsigned>(bad) >= ids.size() || ids[bad] >= rs.size())
      return Err(Internal(fmt::format("vectorscan could not compile the rule set: {}", message)));
    CompiledRule& cr = db->rules_[ids[bad]];
    const rules::Rule& r = rs[ids[bad]];
    if (cr.mode == PrefilterMode::kExact) {
      cr.mode = PrefilterMode::kPrefilter;
      Debug("rule '{}': vectorscan: {}; using prefilter mode", r.id, message);
    } else {
      cr.mode = r.keywords.empty() ? PrefilterMode::kAlways : PrefilterMode::kKeywords;
      Debug("rule '{}': vectorscan: {}", r.id, message);
    }
  }
  if (const HsRuntime& rt = GetHsRuntime(); db->hs_db_ && rt.defect_found) {
    if (rt.scan == &hs_scan && warnings)
      warnings->push_back(
          "Vectorscan's scanner failed leakguard's self-test on this CPU (it misses matches) and "
          "no other runtime is available: use --engine=re2 for exact results");
    else
      Debug("Vectorscan's AVX-512 scanner failed the self-test on this CPU; scanning with {}",
            rt.name);
  }
  // Said after compiling or loading from the cache alike, so the user always hears of it.
  for (size_t i = 0; i < rs.size() && warnings && !options.disable_vectorscan; ++i) {
    const PrefilterMode m = db->rules_[i].mode;
    if (m != PrefilterMode::kKeywords && m != PrefilterMode::kAlways) continue;
    warnings->push_back(
        fmt::format("{}:{}: rule '{}': Vectorscan cannot compile the regex, so RE2 runs it on {}",
                    rs[i].pos.file, rs[i].pos.line, rs[i].id,
                    m == PrefilterMode::kAlways ? "every file (slow: give the rule keywords)"
                                                : "every file containing one of its keywords"));
  }
  for (size_t i = 0; i < rs.size(); ++i) {
    switch (db->rules_[i].mode) {
      case PrefilterMode::kAlways:
        db->always_.push_back(static_cast<uint32_t>(i));
        break;
      case PrefilterMode::kKeywords:
        db->keyword_only_.push_back(static_cast<uint32_t>(i));
        break;
      case PrefilterMode::kPathOnly:
        db->path_only_.push_back(static_cast<uint32_t>(i));
        break;
      default:
        break;
    }
  }
  return std::shared_ptr<const RulesDatabase>(std::move(db));
}

}  // namespace leakguard::match
