// Text reporter: one block per finding, a blank line between blocks, then the summary line.
//
// Everything printed comes from scanned content or from names on disk, so every field goes
// through EscapeForTerminal: a file named "\x1b]0;pwned\x07" or a match holding "\r" must not be
// able to rewrite the user's terminal, hide a line, or reorder text with bidi overrides.
// Colour codes are added after escaping and only when the options ask for them.
#include <fmt/format.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "report/formats.h"

namespace leakguard::report::internal {
namespace {

constexpr std::string_view kRed = "\x1b[1;31m";
constexpr std::string_view kCyan = "\x1b[36m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kReset = "\x1b[0m";

// Decodes one UTF-8 sequence at s[i]. Returns its length and sets *cp, or returns 0 when the
// bytes there are not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  size_t len;
  uint32_t min;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (byte(i + k) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

// Code points that are valid UTF-8 but still change how a terminal shows the line: C1 controls
// (U+009B is CSI on some terminals), line/paragraph separators and bidirectional controls.
bool IsInvisibleControl(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

class TextReporter final : public Reporter {
 public:
  explicit TextReporter(ReportOptions options) : options_(std::move(options)) {}

  Status Write(const std::vector<findings::Finding>& all, const Summary& summary,
               std::ostream& out) override {
    std::string buf;
    for (size_t i = 0; i < all.size(); ++i) {
      if (i > 0) buf += '\n';
      AppendFinding(all[i], &buf);
    }
    if (!all.empty()) buf += '\n';
    buf += SummaryLine(summary);
    buf += '\n';
    out << buf;
    out.flush();
    if (!out) return IoError("writing text report failed");
    return Status::Ok();
  }

 private:
  std::string Paint(std::string_view color, std::string_view escaped) const {
    if (!options_.color || escaped.empty()) return std::string(escaped);
    return fmt::format("{}{}{}", color, escaped, kReset);
  }

  // The match with every occurrence of the secret highlighted (both already escaped).
  std::string PaintMatch(std::string_view match, std::string_view secret) const {
    if (!options_.color || secret.empty()) return std::string(match);
    std::string out;
    size_t pos = 0;
    for (size_t hit; (hit = match.find(secret, pos)) != std::string_view::npos;
         pos = hit + secret.size()) {
      out.append(match.substr(pos, hit - pos));
      out += Paint(kRed, secret);
    }
    out.append(match.substr(pos));
    return out;
  }

  // `value` must already be escaped (and possibly coloured). Empty values are left out so no
  // line ends in trailing blanks.
  static void AppendLine(std::string_view label, std::string_view value, std::string* buf) {
    if (value.empty()) return;
    *buf += fmt::format("{:<13}{}\n", label, value);
  }

  void AppendFinding(const findings::Finding& f, std::string* buf) const {
    std::string secret = EscapeForTerminal(f.secret);
    AppendLine("Finding:", PaintMatch(EscapeForTerminal(f.match), secret), buf);
    AppendLine("Secret:", Paint(kRed, secret), buf);
    AppendLine("RuleID:", Paint(kCyan, EscapeForTerminal(f.rule_id)), buf);
    AppendLine("Entropy:", fmt::format("{:.2f}", f.entropy), buf);
    if (!f.confidence.empty())
      AppendLine("Confidence:",
                 f.validation.empty()
                     ? f.confidence
                     : fmt::format("{} ({})", f.confidence, EscapeForTerminal(f.validation)),
                 buf);
    if (!f.tags.empty()) {
      std::string tags;
      for (const std::string& t : f.tags) {
        if (!tags.empty()) tags += ", ";
        tags += EscapeForTerminal(t);
      }
      AppendLine("Tags:", tags, buf);
    }
    if (!f.decoded.empty()) {  // the encodings undone to find it, outermost first
      std::string chain;
      for (const std::string& e : f.decoded) chain += (chain.empty() ? "" : ", ") + e;
      AppendLine("Decoded:", chain, buf);
    }
    AppendLine("File:", Paint(kBold, EscapeForTerminal(f.file)), buf);
    if (f.cell > 0)
      AppendLine("Cell:",
                 f.cell_output > 0 ? fmt::format("{}, output {}", f.cell, f.cell_output)
                                   : fmt::to_string(f.cell),
                 buf);
    if (f.notebook_metadata) AppendLine("Cell:", "notebook metadata", buf);
    if (f.line > 0) AppendLine("Line:", fmt::to_string(f.line), buf);
    if (!f.image.empty()) {
      AppendLine("Image:", EscapeForTerminal(f.image), buf);
      AppendLine("Layer:", EscapeForTerminal(f.layer), buf);
      AppendLine("Layer path:", EscapeForTerminal(f.layer_path), buf);
      if (f.in_final_image)
        AppendLine("In image:",
                   *f.in_final_image ? "yes" : "no (deleted or replaced in a later layer)", buf);
    }
    if (!f.commit.empty()) {
      AppendLine("Commit:", EscapeForTerminal(f.commit), buf);
      AppendLine("Author:", EscapeForTerminal(f.author), buf);
      AppendLine("Email:", EscapeForTerminal(f.email), buf);
      AppendLine("Date:", EscapeForTerminal(f.date), buf);
      AppendLine("Message:", EscapeForTerminal(f.message), buf);
    }
    AppendLine("Blob:", EscapeForTerminal(f.blob), buf);
    if (f.unreachable)
      AppendLine("Reachable:",
                 f.commit.empty() ? "no: a blob no commit holds (--all-objects)"
                                  : "no: a commit no ref reaches (--all-objects)",
                 buf);
    AppendLine("Fingerprint:", EscapeForTerminal(f.fingerprint), buf);
    if (!f.dropped_by.empty()) {
      AppendLine("Dropped by:", EscapeForTerminal(f.dropped_by), buf);
      AppendLine("Drop detail:", EscapeForTerminal(f.drop_detail), buf);
    }
  }

  ReportOptions options_;
};

}  // namespace

std::string EscapeForTerminal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {  // invalid byte: show it, resynchronise on the next one
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (cp < 0x20 || cp == 0x7F) {
      switch (cp) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += fmt::format("\\x{:02x}", cp);
      }
    } else if (IsInvisibleControl(cp)) {
      out += fmt::format("\\u{{{:04x}}}", cp);
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::unique_ptr<Reporter> MakeTextReporter(ReportOptions options) {
  return std::make_unique<TextReporter>(std::move(options));
}

}  // namespace leakguard::report::internal
