// Check 3: credentials in git config.
//
// Every entry of every level is read (system, XDG, global, local, worktree, and the files they
// include). Four things are reported:
//   - a URL with user info that carries a password or a token (in a value, such as remote.x.url or
//     http.proxy, or in a key, such as url.<base>.insteadOf): the token sits in plain text in the
//     file and `git remote -v` prints it;
//   - credential.helper = store: git then writes every credential it is given, in plain text, to
//     ~/.git-credentials (or --file); the file is inspected (credential count, permissions), never
//     printed. A plain-text credential file that no helper names any more is reported too;
//   - http.extraHeader carrying a credential (Authorization, PRIVATE-TOKEN, ...);
//   - sendemail.smtpPass.
// Every value shown is masked with the run's MaskPolicy; a suggested command never contains the
// secret (when the secret is part of a key name, the fix is given in words only).
#include <fmt/core.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "audit/checks.h"
#include "match/matcher.h"
#include "match/placeholder.h"

namespace leakguard::audit::internal {
namespace {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool IsSchemeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

bool LooksReal(std::string_view value) {
  return !value.empty() && match::PlaceholderReason(value).empty();
}

// Recognises secrets with the scanner's rules: a token used as a URL's user name, a header value
// that does not say what it holds.
class SecretProbe {
 public:
  explicit SecretProbe(std::shared_ptr<const match::RulesDatabase> db) {
    if (db) matcher_ = std::make_unique<match::Matcher>(std::move(db));
  }
  bool Finds(std::string_view text) {
    if (!matcher_ || text.empty()) return false;
    matcher_->Scan(text, &cands_);
    return std::any_of(cands_.begin(), cands_.end(), [](const match::Candidate& c) {
      return c.drop == match::DropReason::kNone;
    });
  }

 private:
  std::unique_ptr<match::Matcher> matcher_;
  std::vector<match::Candidate> cands_;
};

struct Scope {
  std::string flag;  // for `git config`: "", "--global", "--system", "--worktree", "--file F"
};

Scope ScopeOf(const ConfigEntry& e) {
  if (e.scope == "global") return {"--global"};
  if (e.scope == "system") return {"--system"};
  if (e.scope == "worktree") return {"--worktree"};
  if (e.scope == "xdg") return {"--file " + ShellQuote(e.file)};
  return {""};
}

std::string GitConfigCommand(const ConfigEntry& e, std::string_view args) {
  const Scope s = ScopeOf(e);
  return s.flag.empty() ? fmt::format("git config {}", args)
                        : fmt::format("git config {} {}", s.flag, args);
}

// An extended regex matching exactly `s` (for `git config --unset-all KEY VALUE-PATTERN`).
std::string ExactRegex(std::string_view s) {
  std::string out = "^";
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  out += '$';
  return out;
}

std::string ExpandHome(std::string_view p, const Environment& env) {
  if (p == "~") return env.home;
  if (p.starts_with("~/")) return env.home + std::string(p.substr(1));
  return std::string(p);
}

// The words of a credential helper value, shell-like (quotes removed, no expansion).
std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        cur += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

// Whether a credential.helper value runs git-credential-store; `*file` receives its --file.
bool IsStoreHelper(std::string_view value, std::string* file) {
  std::string_view v = Trim(value);
  if (v.starts_with("!")) v.remove_prefix(1);
  std::vector<std::string> w = Words(v);
  if (w.empty()) return false;
  size_t args = 0;
  if (w[0] == "store" || w[0].ends_with("git-credential-store"))
    args = 1;
  else if (w.size() >= 2 && w[0] == "git" && w[1] == "credential-store")
    args = 2;
  else
    return false;
  for (size_t i = args; i < w.size(); ++i) {
    if (w[i].starts_with("--file=")) *file = w[i].substr(7);
    if (w[i] == "--file" && i + 1 < w.size()) *file = w[i + 1];
  }
  return true;
}

struct StoreFile {
  std::string path;
  bool exists = false;
  uint64_t credentials = 0;
  bool loose = false;  // readable or writable by group/others
  unsigned mode = 0;
};

StoreFile InspectStoreFile(const std::string& path) {
  StoreFile f;
  f.path = path;
  struct stat st;
  if (path.empty() || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return f;
  f.exists = true;
  f.mode = st.st_mode & 07777;
  f.loose = (st.st_mode & 077) != 0;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line))
    for (const UrlCredentials& u : FindUrlUserinfo(line))
      if (u.has_password && !u.password.empty()) {
        ++f.credentials;
        break;
      }
  return f;
}

std::string DescribeStoreFile(const StoreFile& f, const std::string& shown) {
  if (!f.exists) return fmt::format("{} does not exist yet", shown);
  std::string s = fmt::format("{} holds {} credential(s)", shown, f.credentials);
  if (f.loose) s += fmt::format(" and is readable by other users (mode {:04o})", f.mode);
  return s;
}

// `text` with the user info of every URL masked: the password always, the user when it is a
// token. `*secret_found` is set when a password or token was found; `*clean` receives the text
// without them (the user name kept when it is not a token), for a suggested command.
std::string MaskUserinfo(std::string_view text, const std::vector<UrlCredentials>& urls,
                         SecretProbe* probe, const redact::MaskPolicy& mask, bool* secret_found,
                         std::string* clean) {
  std::string masked, cleaned;
  size_t pos = 0;
  for (const UrlCredentials& u : urls) {
    const std::string_view before = text.substr(pos, u.userinfo_begin - pos);
    const std::string_view info = text.substr(u.userinfo_begin, u.userinfo_end - u.userinfo_begin);
    masked.append(before);
    cleaned.append(before);
    pos = u.userinfo_end;  // at the '@'
    const bool password = u.has_password && LooksReal(u.password);
    const bool user_token = LooksReal(u.user) && probe->Finds(u.user);
    if (!password && !user_token) {
      masked.append(info);
      cleaned.append(info);
      continue;
    }
    *secret_found = true;
    masked += user_token ? redact::MaskSecret(u.user, mask) : u.user;
    if (u.has_password)
      masked += ":" + (password ? redact::MaskSecret(u.password, mask) : u.password);
    if (!user_token && !u.user.empty())
      cleaned += u.user;
    else
      ++pos;  // nothing of the user info is kept: drop its '@' from the clean text
    if (pos > u.userinfo_end) masked += '@';
  }
  masked.append(text.substr(pos));
  cleaned.append(text.substr(pos));
  *clean = std::move(cleaned);
  return masked;
}

Finding ConfigFinding(const RepoLocation& loc, const ConfigEntry& e, std::string kind,
                      std::string title, Severity severity) {
  Finding f;
  f.check = Check::kConfig;
  f.kind = std::move(kind);
  f.title = std::move(title);
  f.severity = severity;
  f.path = DisplayPath(loc, e.file);
  f.config_key = e.name;
  f.config_scope = e.scope;
  return f;
}

std::string InFile(const ConfigEntry& e, const std::string& shown) {
  return e.included ? fmt::format("a file included from {}", shown) : shown;
}

}  // namespace

std::vector<UrlCredentials> FindUrlUserinfo(std::string_view text) {
  std::vector<UrlCredentials> out;
  for (size_t sep = text.find("://"); sep != text.npos; sep = text.find("://", sep + 3)) {
    size_t scheme = sep;
    while (scheme > 0 && IsSchemeChar(text[scheme - 1])) --scheme;
    while (scheme < sep && !((text[scheme] >= 'a' && text[scheme] <= 'z') ||
                             (text[scheme] >= 'A' && text[scheme] <= 'Z')))
      ++scheme;
    if (scheme == sep) continue;
    const size_t begin = sep + 3;
    size_t end = begin;
    while (end < text.size() && std::string_view("/?#\"' \t\r\n<>").find(text[end]) == text.npos)
      ++end;
    const std::string_view authority = text.substr(begin, end - begin);
    const size_t at = authority.rfind('@');
    if (at == authority.npos || at == 0) continue;
    UrlCredentials u;
    u.userinfo_begin = begin;
    u.userinfo_end = begin + at;
    const std::string_view info = authority.substr(0, at);
    const size_t colon = info.find(':');
    u.user = std::string(info.substr(0, colon));
    if (colon != info.npos) {
      u.has_password = true;
      u.password = std::string(info.substr(colon + 1));
    }
    out.push_back(std::move(u));
  }
  return out;
}

void CheckGitConfig(const GitRepo& repo, std::shared_ptr<const match::RulesDatabase> db,
                    const redact::MaskPolicy& mask, std::vector<Finding>* out) {
  SecretProbe probe(std::move(db));
  const RepoLocation& loc = repo.location();
  const Environment& env = repo.env();
  std::vector<std::string> store_files_named;
  for (const ConfigEntry& e : repo.ConfigEntries()) {
    const std::string shown_file = DisplayPath(loc, e.file);

    // 1. URLs with credentials, in the key (url.<base>.insteadOf, http.<url>.*) or the value.
    bool key_has_secret = false;
    {
      bool found = false;
      std::string clean;
      const auto urls = FindUrlUserinfo(e.name);
      std::string masked_key = MaskUserinfo(e.name, urls, &probe, mask, &found, &clean);
      if (found) {
        key_has_secret = true;
        Finding f = ConfigFinding(loc, e, "url-credentials", "Credentials in a URL in git config",
                                  Severity::kHigh);
        f.config_key = masked_key;
        f.reason = fmt::format(
            "the key {} in {} names a URL with a password or token: it sits there in plain text",
            masked_key, InFile(e, shown_file));
        f.fix = fmt::format(
            "edit {} and remove the credentials from that section's URL; revoke them; let a "
            "credential helper supply them",
            InFile(e, shown_file));
        out->push_back(std::move(f));
      }
    }
    if (e.has_value) {
      bool found = false;
      std::string clean;
      const auto urls = FindUrlUserinfo(e.value);
      std::string masked = MaskUserinfo(e.value, urls, &probe, mask, &found, &clean);
      if (found && !key_has_secret) {
        const bool remote = e.name.starts_with("remote.") &&
                            (e.name.ends_with(".url") || e.name.ends_with(".pushurl"));
        Finding f = ConfigFinding(
            loc, e, "url-credentials",
            remote ? "Credentials in a remote URL" : "Credentials in a URL in git config",
            Severity::kHigh);
        f.masked_value = masked;
        f.reason = fmt::format("{} holds a password or token in plain text in {}{}", e.name,
                               InFile(e, shown_file),
                               remote ? "; `git remote -v` and many tools print it" : "");
        f.fix =
            "remove the credentials from the URL, revoke them, and let a credential helper "
            "supply them";
        if (!e.included) {
          if (remote && e.scope == "local") {
            const bool push = e.name.ends_with(".pushurl");
            const std::string name = e.name.substr(7, e.name.size() - 7 - (push ? 8 : 4));
            f.commands.push_back(fmt::format("git remote set-url {}{} {}", push ? "--push " : "",
                                             ShellQuote(name), ShellQuote(clean)));
          } else {
            // Not a value pattern: it would name the old value, secret included.
            f.commands.push_back(GitConfigCommand(
                e, fmt::format("--replace-all {} {}", ShellQuote(e.name), ShellQuote(clean))));
          }
        }
        out->push_back(std::move(f));
      }
    }
    if (!e.has_value) continue;

    // 2. credential.helper = store.
    if (e.name.starts_with("credential.") && e.name.ends_with(".helper")) {
      std::string file;
      if (IsStoreHelper(e.value, &file)) {
        std::vector<StoreFile> files;
        if (!file.empty()) {
          files.push_back(InspectStoreFile(ExpandHome(file, env)));
        } else {
          files.push_back(InspectStoreFile(env.home.empty() ? "" : env.home + "/.git-credentials"));
          if (const std::string xdg = env.XdgGitDir(); !xdg.empty())
            if (StoreFile x = InspectStoreFile(xdg + "/credentials"); x.exists) files.push_back(x);
        }
        Severity sev = Severity::kMedium;
        std::vector<std::string> described;
        for (const StoreFile& sf : files) {
          store_files_named.push_back(sf.path);
          if (sf.exists && sf.loose && sf.credentials > 0) sev = Severity::kHigh;
          described.push_back(
              DescribeStoreFile(sf, sf.path.empty() ? "~/.git-credentials" : sf.path));
        }
        Finding f = ConfigFinding(loc, e, "credential-helper-store",
                                  "Credential helper stores passwords in plain text", sev);
        f.masked_value = e.value;
        std::string files_text;
        for (const std::string& d : described) files_text += (files_text.empty() ? "" : "; ") + d;
        f.reason = fmt::format(
            "{} = {} ({} config) makes git write every password and token it uses to a plain-text "
            "file: {}",
            e.name, e.value, e.scope, files_text);
        f.fix =
            "use a helper that encrypts or keeps credentials in memory (cache, libsecret, "
            "osxkeychain, manager), move the stored credentials there, then delete the plain-text "
            "file";
        if (!e.included)
          f.commands.push_back(
              GitConfigCommand(e, fmt::format("--unset-all {} {}", ShellQuote(e.name),
                                              ShellQuote(ExactRegex(e.value)))));
        for (const StoreFile& sf : files)
          if (sf.exists && sf.loose) f.commands.push_back("chmod 600 " + ShellQuote(sf.path));
        out->push_back(std::move(f));
      }
    }

    // 3. http.extraHeader with a credential.
    if (e.name.starts_with("http.") && e.name.ends_with(".extraheader")) {
      const std::string_view v = Trim(e.value);
      const size_t colon = v.find(':');
      if (colon != v.npos) {
        const std::string_view header = Trim(v.substr(0, colon));
        std::string_view cred = Trim(v.substr(colon + 1));
        std::string_view scheme;
        if (size_t sp = cred.find_first_of(" \t"); sp != cred.npos) {
          const std::string lower = LowerAscii(cred.substr(0, sp));
          if (lower == "bearer" || lower == "basic" || lower == "token" || lower == "digest" ||
              lower == "negotiate" || lower == "ntlm" || lower == "bot") {
            scheme = cred.substr(0, sp);
            cred = Trim(cred.substr(sp + 1));
          }
        }
        const std::string lname = LowerAscii(header);
        bool named = false;
        for (std::string_view w :
             {"auth", "token", "key", "secret", "password", "cookie", "session", "credential"})
          named |= lname.find(w) != std::string::npos;
        if (LooksReal(cred) && (named || probe.Finds(v))) {
          Finding f = ConfigFinding(loc, e, "http-extra-header", "Credential in http.extraHeader",
                                    Severity::kHigh);
          f.masked_value =
              fmt::format("{}: {}{}", header, scheme.empty() ? "" : std::string(scheme) + " ",
                          redact::MaskSecret(cred, mask));
          f.reason = fmt::format(
              "{} sends a {} header with a credential, stored in plain text in "
              "{}",
              e.name, header, InFile(e, shown_file));
          f.fix = "remove the header and let a credential helper supply the token; revoke it";
          if (lname == "authorization" && e.name.find("github.com") != std::string::npos)
            f.fix += " (actions/checkout leaves this header unless persist-credentials: false)";
          if (!e.included && !key_has_secret)
            f.commands.push_back(
                GitConfigCommand(e, fmt::format("--unset-all {}", ShellQuote(e.name))));
          out->push_back(std::move(f));
        }
      }
    }

    // 4. sendemail.smtpPass.
    if (e.name.starts_with("sendemail.") && e.name.ends_with(".smtppass") && LooksReal(e.value)) {
      Finding f =
          ConfigFinding(loc, e, "smtp-password", "SMTP password in git config", Severity::kHigh);
      f.masked_value = redact::MaskSecret(e.value, mask);
      f.reason = fmt::format("{} holds the SMTP password for git send-email in plain text in {}",
                             e.name, InFile(e, shown_file));
      f.fix =
          "remove it and let a credential helper supply it (git send-email asks one); change "
          "the password";
      if (!e.included && !key_has_secret)
        f.commands.push_back(GitConfigCommand(e, fmt::format("--unset {}", ShellQuote(e.name))));
      out->push_back(std::move(f));
    }
  }

  // Plain-text credential files left behind by a store helper that is no longer configured.
  std::vector<std::string> defaults;
  if (!env.home.empty()) defaults.push_back(env.home + "/.git-credentials");
  if (const std::string xdg = env.XdgGitDir(); !xdg.empty())
    defaults.push_back(xdg + "/credentials");
  for (const std::string& path : defaults) {
    if (std::find(store_files_named.begin(), store_files_named.end(), path) !=
        store_files_named.end())
      continue;
    StoreFile sf = InspectStoreFile(path);
    if (!sf.exists || sf.credentials == 0) continue;
    Finding f;
    f.check = Check::kConfig;
    f.kind = "plaintext-credential-file";
    f.title = "Plain-text git credential file";
    f.severity = sf.loose ? Severity::kHigh : Severity::kMedium;
    f.path = path;
    f.reason = DescribeStoreFile(sf, path) + " (written by credential.helper = store)";
    f.fix =
        "move these credentials to a helper that encrypts them (libsecret, osxkeychain, "
        "manager), then delete the file";
    if (sf.loose) f.commands.push_back("chmod 600 " + ShellQuote(path));
    out->push_back(std::move(f));
  }
}

}  // namespace leakguard::audit::internal
