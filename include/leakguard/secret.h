// leakguard::Secret: a string that holds a secret (an API key, a password, a token) and cannot be
// printed by mistake.
//
//   auto token = leakguard::Secret::FromEnv("API_TOKEN");   // the recommended source of secrets
//   if (!token) { std::cerr << token.error().message << "\n"; return 2; }
//   fmt::print("using token {}\n", *token);    // prints "using token **********"
//   std::cout << *token;                       // prints "**********"
//   http.SetHeader("Authorization", "Bearer " + std::string(token->Reveal()));  // the only way in
//
// - Every way of printing or converting a Secret gives the mask `**********`: `operator<<`,
//   `fmt::format` / `fmt::print` (a `fmt::formatter` specialization, so format specs such as
//   `{:>12}` apply to the mask), `to_string`, `explicit operator std::string` and
//   `explicit operator std::string_view`. Only `Reveal()` gives the value. `std::format` has no
//   formatter for it, so `std::format("{}", secret)` does not compile rather than leak.
// - Comparison (`==`, `Equals`) takes time independent of where the values differ
//   (OpenSSL's `CRYPTO_memcmp`); only whether the lengths differ is visible.
// - The value lives in a buffer of its own, never in a small-string buffer inside the object: a
//   move hands the buffer over and leaves the moved-from Secret empty, and the buffer is zeroed
//   (OpenSSL's `OPENSSL_cleanse`, which the compiler cannot optimise away) before it is freed —
//   on destruction, on move-assignment over a value, and by `Clear()`.
// - Not copyable: a second copy in memory is a second thing to wipe. `Clone()` copies on purpose.
//
// Limits: the memory is not locked (it can reach swap or a core dump), and bytes copied out
// through `Reveal()` are the caller's to wipe. Reading the environment leaves the variable in the
// process environment, where child processes inherit it.
//
// Thread-safety: like a std::string — const methods may be called concurrently.
#pragma once

// fmt/format.h, not just core.h: with fmt 9 the string_view formatter the Secret formatter
// builds on is defined there.
#include <fmt/format.h>

#include <cstddef>
#include <expected>
#include <iosfwd>
#include <string>
#include <string_view>

#include "leakguard/error.h"

namespace leakguard {

class Secret {
 public:
  // What every printing and conversion path shows. Fixed length: it does not reveal the secret's.
  static constexpr std::string_view kMask = "**********";

  // An empty secret.
  Secret() noexcept = default;
  // Copies `value` into a buffer the Secret owns. The caller's copy is the caller's to wipe.
  explicit Secret(std::string_view value);

  // Reads the environment variable `name`. Errors: kInvalidArgument for an empty name or one
  // holding '=' or NUL; kNotFound when the variable is not set or is set but empty (an empty key
  // is a configuration mistake, not a key). The message names the variable, never its value.
  static std::expected<Secret, Error> FromEnv(std::string_view name);

  ~Secret() { Clear(); }
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  // A second Secret with the same value, in a buffer of its own.
  Secret Clone() const { return Secret(Reveal()); }

  // The value. The view is valid until this Secret is destroyed, moved from or cleared.
  std::string_view Reveal() const noexcept { return std::string_view(data_, size_); }
  bool empty() const noexcept { return size_ == 0; }

  // Zeroes and frees the buffer; the Secret is empty afterwards.
  void Clear() noexcept;

  // Constant-time comparison with a plain value (e.g. a submitted password or token).
  bool Equals(std::string_view value) const noexcept;
  friend bool operator==(const Secret& a, const Secret& b) noexcept { return a.Equals(b.Reveal()); }

  explicit operator std::string() const { return std::string(kMask); }
  explicit operator std::string_view() const noexcept { return kMask; }
  friend std::string to_string(const Secret&) { return std::string(kMask); }
  friend std::ostream& operator<<(std::ostream& os, const Secret& s);

 private:
  char* data_ = nullptr;  // owned; allocated only for a non-empty value
  std::size_t size_ = 0;
};

}  // namespace leakguard

// fmt::format("{}", secret) and every fmt path (print, format_to, to_string, join, ranges) print
// the mask; width, fill and alignment apply to it.
template <>
struct fmt::formatter<leakguard::Secret> : fmt::formatter<fmt::string_view> {
  template <typename FormatContext>
  auto format(const leakguard::Secret&, FormatContext& ctx) const -> decltype(ctx.out()) {
    const std::string_view mask = leakguard::Secret::kMask;
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(mask.data(), mask.size()),
                                                    ctx);
  }
};
