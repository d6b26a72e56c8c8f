#include "support/leakguard_process.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace leakguard::test_support {

RunOptions WithStdin(std::string data) {
  RunOptions o;
  o.stdin_data = std::move(data);
  return o;
}

RunOptions WithTimeout(int seconds) {
  RunOptions o;
  o.timeout_seconds = seconds;
  return o;
}

RunOptions InDir(std::string cwd) {
  RunOptions o;
  o.cwd = std::move(cwd);
  return o;
}

Child::Child(const std::vector<std::string>& args, const RunOptions& opt, bool pipe_stdin) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    return;
  }
  std::vector<std::string> argv_s = {LEAKGUARD_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    return;
  }
  if (pid_ == 0) {
    if (pipe_stdin) {
      ::dup2(in[0], STDIN_FILENO);
    } else {
      const int devnull = ::open("/dev/null", O_RDONLY);
      ::dup2(devnull, STDIN_FILENO);
    }
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    if (!opt.cwd.empty() && ::chdir(opt.cwd.c_str()) != 0) ::_exit(126);
    if (opt.run_as_uid >= 0) {
      const auto id = static_cast<uid_t>(opt.run_as_uid);
      if (::setgroups(0, nullptr) != 0 || ::setgid(id) != 0 || ::setuid(id) != 0) ::_exit(125);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  if (!pipe_stdin) CloseStdin();
}

Child::~Child() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    Wait();
  }
  for (int fd : {in_, out_, err_})
    if (fd >= 0) ::close(fd);
}

bool Child::Write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(in_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void Child::CloseStdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

std::string Child::ReadStdout(size_t want, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (out_buf_.size() < want && out_ >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    pollfd p{out_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000))) <= 0) continue;
    char buf[65536];
    const ssize_t n = ::read(out_, buf, sizeof buf);
    if (n <= 0) {
      ::close(out_);
      out_ = -1;
      break;
    }
    out_buf_.append(buf, static_cast<size_t>(n));
  }
  std::string got = out_buf_.substr(0, std::min(want, out_buf_.size()));
  out_buf_.erase(0, got.size());
  return got;
}

RunResult Child::Finish(const std::optional<std::string>& stdin_data, int timeout) {
  RunResult r;
  r.out = std::move(out_buf_);
  size_t done = 0;
  if (in_ >= 0 && !stdin_data) CloseStdin();
  if (in_ >= 0) ::fcntl(in_, F_SETFL, O_NONBLOCK);
  // Writing to a child that exited early must not kill the test with SIGPIPE.
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  char buf[1 << 16];
  while (out_ >= 0 || err_ >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      r.timed_out = true;
      ::kill(pid_, SIGKILL);
      break;
    }
    if (in_ >= 0 && done == stdin_data->size()) CloseStdin();
    pollfd fds[3];
    int n = 0;
    if (out_ >= 0) fds[n++] = {out_, POLLIN, 0};
    if (err_ >= 0) fds[n++] = {err_, POLLIN, 0};
    if (in_ >= 0) fds[n++] = {in_, POLLOUT, 0};
    if (::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(left, 1000))) <
            0 &&
        errno != EINTR)
      break;
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in_) {
        const ssize_t w = ::write(in_, stdin_data->data() + done, stdin_data->size() - done);
        if (w > 0)
          done += static_cast<size_t>(w);
        else if (w < 0 && errno != EAGAIN && errno != EINTR)
          CloseStdin();  // EPIPE: the child stopped reading
        continue;
      }
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        (fds[i].fd == out_ ? r.out : r.err).append(buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(fds[i].fd);
        (fds[i].fd == out_ ? out_ : err_) = -1;
      }
    }
  }
  ::sigaction(SIGPIPE, &old, nullptr);
  CloseStdin();
  Wait(&r);
  return r;
}

void Child::Wait(RunResult* r) {
  if (pid_ <= 0 || reaped_) return;
  int status = 0;
  rusage ru{};
  while (::wait4(pid_, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  if (!r) return;
  r->max_rss_kb = ru.ru_maxrss;
  if (WIFEXITED(status))
    r->exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    r->exit_code = 128 + WTERMSIG(status);
}

RunResult RunLeakguard(const std::vector<std::string>& args, const RunOptions& opt) {
  Child c(args, opt, opt.stdin_data.has_value());
  return c.Finish(opt.stdin_data, opt.timeout_seconds);
}

std::string Describe(const std::vector<std::string>& args, const RunResult& r) {
  std::string s = "leakguard";
  for (const auto& a : args) s += " '" + a.substr(0, 200) + "'";
  s += "\nexit code: " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "");
  s += "\n--- stdout ---\n" + r.out.substr(0, 4000);
  s += "\n--- stderr ---\n" + r.err.substr(0, 4000);
  return s;
}

}  // namespace leakguard::test_support
