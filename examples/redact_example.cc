// redact_example: the leakguard library in a few lines.
//
// Reads an API token from the environment as a leakguard::Secret (the recommended way to supply
// secrets: never hard-code them), logs it — masked, whatever the logging path — compares it in
// constant time, then finds and redacts it in a log line that (by mistake) contains it.
//
//   EXAMPLE_API_TOKEN=... redact_example
//
// Exit code: 0, or 2 when EXAMPLE_API_TOKEN is not set.
#include <fmt/core.h>
#include <leakguard/redact.h>
#include <leakguard/scanner.h>
#include <leakguard/secret.h>

#include <iostream>
#include <string>

int main() {
  auto token = leakguard::Secret::FromEnv("EXAMPLE_API_TOKEN");
  if (!token) {
    fmt::print(stderr, "redact_example: {}\n", token.error().message);
    return 2;
  }
  // Every way of printing a Secret shows the mask.
  fmt::print("fmt: {}\n", *token);
  std::cout << "ostream: " << *token << "\n";
  std::cout << "string: " << std::string(*token) << "\n";
  fmt::print("same token: {}\n", token->Equals(token->Reveal()));

  // A log line that leaks the token (the value is only reachable through Reveal()).
  const std::string line =
      "GET /user 200 Authorization: token " + std::string(token->Reveal()) + "\n";
  std::cout << "redacted: " << leakguard::Redact(line);
  std::cout << "kept hint: " << leakguard::Redact(line, {.mask = "****", .keep = 4});

  auto scanner = leakguard::Scanner::Create();
  if (!scanner) {
    fmt::print(stderr, "redact_example: {}\n", scanner.error().message);
    return 1;
  }
  for (const leakguard::Finding& f : scanner->Scan(line, "access.log"))
    fmt::print("finding: {} at {}:{} secret={} shown as {}\n", f.rule_id, f.line, f.column,
               f.secret, f.masked);
  return 0;
}
