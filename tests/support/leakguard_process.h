// Running the `leakguard` binary from end-to-end tests: fork/exec with pipes to its stdin,
// stdout and stderr, a timeout, an optional working directory and user. One implementation for
// every e2e test binary (tests/e2e/*_test.cc).
//
// The binary is the one the build made (LEAKGUARD_BIN, set by tests/CMakeLists.txt).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakguard::test_support {

struct RunResult {
  int exit_code = -1;  // the process's exit status, or 128 + signal
  bool timed_out = false;
  std::string out, err;
  long max_rss_kb = 0;  // peak resident memory of the process
  std::string Both() const { return out + err; }
};

struct RunOptions {
  std::optional<std::string> stdin_data;  // nullopt: stdin is /dev/null
  std::string cwd;                        // empty: inherit
  int timeout_seconds = 300;              // then the process is killed and timed_out set
  int run_as_uid = -1;  // >= 0 (only when the test runs as root): drop to this user and group
};

RunOptions WithStdin(std::string data);
RunOptions WithTimeout(int seconds);
RunOptions InDir(std::string cwd);

// A running `leakguard` with pipes to its stdin (when `pipe_stdin`), stdout and stderr. The
// destructor kills and reaps a process still running.
class Child {
 public:
  Child(const std::vector<std::string>& args, const RunOptions& opt, bool pipe_stdin);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  // Writes all of `data` to its stdin (blocking); false when the pipe is gone.
  bool Write(std::string_view data);
  void CloseStdin();
  // Reads stdout until it holds `want` bytes or `seconds` pass; returns what arrived.
  std::string ReadStdout(size_t want, int seconds);
  // Feeds `stdin_data` (if any), collects stdout/stderr and waits, within `timeout` seconds.
  RunResult Finish(const std::optional<std::string>& stdin_data, int timeout);
  // Waits for the exit; fills the exit code and peak memory.
  void Wait(RunResult* r = nullptr);

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  bool reaped_ = false;
  std::string out_buf_;
};

// Runs leakguard with `args` to completion.
RunResult RunLeakguard(const std::vector<std::string>& args, const RunOptions& opt = {});

// The command and what it printed, for assertion messages.
std::string Describe(const std::vector<std::string>& args, const RunResult& r);

}  // namespace leakguard::test_support
