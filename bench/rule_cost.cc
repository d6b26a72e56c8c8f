// rule_cost: what each rule costs in the Vectorscan pass.
//
//   rule_cost [--config FILE] [--mb N] [--top K] [--solo] [--gates N [--gate-only IDS]
//             [--show-gates]] DIR
//
// Reads up to N MB (default 20) of the regular files under DIR into memory, builds the rules
// database (the built-in rules, or FILE), and prints:
//   - the time of one Vectorscan pass over all files with the whole database, and the callbacks
//     (match events) each rule produced — a rule that reports a match at every end offset of a
//     long run costs callbacks even when its windows merge;
//   - with --solo: each Vectorscan-compiled rule alone in a database, its pass time minus the
//     pass time of an empty-ish database (one rare literal): a rule's stand-alone cost;
//   - for the K rules costing most alone (default 15): the whole database without that rule, and
//     what the pass gains — interactions make this the figure that counts.
// With --gates N (an experiment, see docs/matching.md): every non-generic rule (or the rules of
// --gate-only ID,ID,...) is replaced by the literals RE2's prefilter analysis says each of its
// matches must contain, when all of them are at least N bytes long; --show-gates prints them.
// Times are the best of 3 passes, on one thread. Timing tool for developers; no test depends on it.
#include <dirent.h>
#include <hs/hs.h>
#include <re2/filtered_re2.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "match/hs_runtime.h"
#include "match/rules_database.h"
#include "rules/loader.h"

namespace {

using leakguard::match::GetHsRuntime;

void ReadTree(const std::string& dir, size_t budget, std::vector<std::string>* files,
              size_t* total) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names.push_back(e->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    if (*total >= budget) return;
    std::string p = dir + "/" + n;
    struct stat st {};
    if (lstat(p.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      ReadTree(p, budget, files, total);
    } else if (S_ISREG(st.st_mode)) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      files->push_back(ss.str());
      *total += files->back().size();
    }
  }
}

struct Db {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  ~Db() {
    if (scratch) hs_free_scratch(scratch);
    if (db) hs_free_database(db);
  }
};

bool Compile(const std::vector<std::string>& pats, const std::vector<unsigned>& flags,
             const std::vector<unsigned>& ids, Db* out) {
  std::vector<const char*> cps;
  for (const auto& p : pats) cps.push_back(p.c_str());
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(cps.data(), flags.data(), ids.data(), static_cast<unsigned>(cps.size()),
                       HS_MODE_BLOCK, &GetHsRuntime().platform, &out->db, &err) != HS_SUCCESS) {
    std::fprintf(stderr, "compile failed: %s\n", err ? err->message : "?");
    if (err) hs_free_compile_error(err);
    return false;
  }
  return hs_alloc_scratch(out->db, &out->scratch) == HS_SUCCESS;
}

struct Counts {
  std::vector<uint64_t>* per_rule;
};

int OnMatch(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
  auto* c = static_cast<Counts*>(ctx);
  if (c->per_rule && id < c->per_rule->size()) ++(*c->per_rule)[id];
  return 0;
}

double Pass(const Db& db, const std::vector<std::string>& files, std::vector<uint64_t>* counts) {
  double best = 1e30;
  for (int run = 0; run < 3; ++run) {
    Counts c{run == 0 ? counts : nullptr};
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& f : files)
      GetHsRuntime().scan(db.db, f.data(), static_cast<unsigned>(f.size()), 0, db.scratch, &OnMatch,
                          &c);
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

constexpr const char* kUsage =
    "usage: rule_cost [--config FILE] [--mb N] [--top K] [--solo] [--gates N [--gate-only IDS] "
    "[--show-gates]] DIR\n";

}  // namespace

int main(int argc, char** argv) {
  std::string config, dir;
  size_t mb = 20, top = 15;
  bool solo = false, show_gates = false;
  size_t gate_min = 0;
  std::string gate_ids;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config = argv[++i];
    } else if (a == "--mb" && i + 1 < argc) {
      mb = std::stoul(argv[++i]);
    } else if (a == "--top" && i + 1 < argc) {
      top = std::stoul(argv[++i]);
    } else if (a == "--gates" && i + 1 < argc) {
      gate_min = std::stoul(argv[++i]);
    } else if (a == "--gate-only" && i + 1 < argc) {
      gate_ids = std::string(",") + argv[++i] + ",";
    } else if (a == "--show-gates") {
      show_gates = true;
    } else if (a == "--solo") {
      solo = true;
    } else if (!a.empty() && a[0] != '-') {
      dir = a;
    } else {
      std::fprintf(stderr, "%s", kUsage);
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  std::vector<std::string> files;
  size_t total = 0;
  ReadTree(dir, mb * 1000 * 1000, &files, &total);
  std::printf("input: %zu files, %.1f MB\n", files.size(), total / 1e6);

  leakguard::rules::RuleSet set;
  std::vector<std::string> warnings;
  if (config.empty()) {
    set = leakguard::rules::DefaultRules();
  } else {
    auto r = leakguard::rules::LoadConfigFile(config, &warnings);
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().message().c_str());
      return 2;
    }
    set = std::move(*r);
  }
  auto built = leakguard::match::RulesDatabase::Build(set, &warnings);
  if (!built) {
    std::fprintf(stderr, "%s\n", built.error().message().c_str());
    return 2;
  }
  const auto& rules = (*built)->rules();
  std::vector<std::string> pats;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < rules.size(); ++i) {
    auto m = rules[i].mode;
    if (m != leakguard::match::PrefilterMode::kExact &&
        m != leakguard::match::PrefilterMode::kPrefilter)
      continue;
    pats.push_back(rules[i].rule->regex);
    flags.push_back(m == leakguard::match::PrefilterMode::kPrefilter ? HS_FLAG_PREFILTER : 0u);
    ids.push_back(static_cast<unsigned>(i));
  }
  if (gate_min > 0) {  // experiment: literal gates in place of the regexes
    std::vector<std::string> p2;
    std::vector<unsigned> f2, i2;
    size_t gated = 0, lit = 0;
    for (size_t p = 0; p < pats.size(); ++p) {
      const auto& cr = rules[ids[p]];
      std::vector<std::string> gate;
      if (gate_ids.empty() ? !cr.generic
                           : gate_ids.find("," + cr.rule->id + ",") != std::string::npos) {
        re2::FilteredRE2 f(3);
        int id = 0;
        if (f.Add(pats[p], leakguard::rules::RegexOptions(), &id) == re2::RE2::NoError) {
          std::vector<std::string> atoms;
          f.Compile(&atoms);
          std::vector<int> none, all_but;
          std::vector<int> out;
          f.AllPotentials(none, &out);
          if (!atoms.empty() && out.empty()) {
            std::vector<size_t> g(atoms.size());
            for (size_t k = 0; k < g.size(); ++k) g[k] = k;
            std::vector<size_t> order = g;
            std::sort(order.begin(), order.end(),
                      [&](size_t a, size_t b) { return atoms[a].size() < atoms[b].size(); });
            std::vector<bool> in(atoms.size(), true);
            for (size_t a : order) {
              in[a] = false;
              std::vector<int> comp;
              for (size_t k = 0; k < atoms.size(); ++k)
                if (!in[k]) comp.push_back(static_cast<int>(k));
              out.clear();
              f.AllPotentials(comp, &out);
              if (!out.empty()) in[a] = true;
            }
            bool ok = true;
            for (size_t k = 0; k < atoms.size(); ++k)
              if (in[k]) {
                gate.push_back(atoms[k]);
                if (atoms[k].size() < gate_min) ok = false;
              }
            if (!ok) gate.clear();
            if (show_gates) {
              std::string shown;
              for (size_t k = 0; k < atoms.size(); ++k)
                if (in[k]) shown += atoms[k] + " ";
              std::printf("gate %s: %s%s\n", cr.rule->id.c_str(), ok ? "" : "(rejected) ",
                          shown.c_str());
            }
          }
        }
      }
      if (gate.empty()) {
        p2.push_back(pats[p]);
        f2.push_back(flags[p]);
        i2.push_back(ids[p]);
        continue;
      }
      ++gated;
      for (const auto& g : gate) {
        std::string esc;
        for (char c : g) {
          if (!std::isalnum(static_cast<unsigned char>(c))) esc += '\\';
          esc += c;
        }
        p2.push_back(esc);
        f2.push_back(HS_FLAG_CASELESS);
        i2.push_back(ids[p]);
        ++lit;
      }
    }
    std::printf("gated %zu rules with %zu literals; %zu patterns left\n", gated, lit,
                p2.size() - lit);
    pats = p2;
    flags = f2;
    ids = i2;
  }
  Db full;
  if (!Compile(pats, flags, ids, &full)) return 1;
  std::vector<uint64_t> counts(rules.size());
  const double t_full = Pass(full, files, &counts);
  uint64_t events = 0;
  for (auto c : counts) events += c;
  std::printf("whole database (%zu patterns): %.3f s, %.0f MB/s, %llu match events\n", pats.size(),
              t_full, total / 1e6 / t_full, static_cast<unsigned long long>(events));
  std::vector<size_t> order(rules.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return counts[a] > counts[b]; });
  std::printf("most match events:\n");
  for (size_t k = 0; k < std::min<size_t>(top, order.size()) && counts[order[k]]; ++k)
    std::printf("  %10llu  %s\n", static_cast<unsigned long long>(counts[order[k]]),
                rules[order[k]].rule->id.c_str());

  std::vector<std::pair<double, size_t>> cost;  // (seconds, index into pats)
  if (solo) {
    Db base;
    if (!Compile({"leakguard-rule-cost-baseline"}, {0u}, {0u}, &base)) return 1;
    const double t_base = Pass(base, files, nullptr);
    for (size_t p = 0; p < pats.size(); ++p) {
      Db one;
      if (!Compile({pats[p]}, {flags[p]}, {ids[p]}, &one)) continue;
      cost.push_back({Pass(one, files, nullptr) - t_base, p});
    }
    std::sort(cost.rbegin(), cost.rend());
    std::printf("alone (pass minus %.3f s baseline):\n", t_base);
    for (size_t k = 0; k < std::min(top, cost.size()); ++k)
      std::printf("  %8.4f s  %s\n", cost[k].first, rules[ids[cost[k].second]].rule->id.c_str());
  } else {
    for (size_t p = 0; p < pats.size(); ++p) cost.push_back({double(counts[ids[p]]), p});
    std::sort(cost.rbegin(), cost.rend());
  }
  std::printf("whole database without the rule (gain):\n");
  for (size_t k = 0; k < std::min(top, cost.size()); ++k) {
    const size_t skip = cost[k].second;
    std::vector<std::string> p2;
    std::vector<unsigned> f2, i2;
    for (size_t p = 0; p < pats.size(); ++p)
      if (p != skip) {
        p2.push_back(pats[p]);
        f2.push_back(flags[p]);
        i2.push_back(ids[p]);
      }
    Db less;
    if (!Compile(p2, f2, i2, &less)) continue;
    const double t = Pass(less, files, nullptr);
    std::printf("  %8.4f s (%5.1f%%)  %s\n", t_full - t, 100 * (t_full - t) / t_full,
                rules[ids[skip]].rule->id.c_str());
  }
  return 0;
}
