// Helpers shared by the server tests: temporary directories, a self-signed certificate, raw
// sockets and a child process with piped output. The data directory, the default world and
// the requests are support/fixtures.hpp's, in the same namespace.
#pragma once

#include <fakegraph/server.hpp>

#include <arpa/inet.h>   // inet_pton, htons
#include <fcntl.h>       // O_CLOEXEC
#include <netinet/in.h>  // sockaddr_in
#include <poll.h>        // poll
#include <signal.h>      // kill, SIGKILL
#include <spawn.h>       // posix_spawn
#include <sys/socket.h>  // socket, connect, send, recv, setsockopt
#include <sys/time.h>    // timeval
#include <sys/wait.h>    // waitpid, WIFEXITED
#include <unistd.h>      // pipe2, read, close

#include <cctype>        // std::tolower
#include <cerrno>        // errno, EINTR
#include <chrono>        // std::chrono::steady_clock, seconds
#include <cstdint>       // std::uint16_t
#include <cstdlib>       // std::system, mkdtemp
#include <filesystem>    // std::filesystem::remove_all, temp_directory_path
#include <fstream>       // std::ofstream
#include <optional>      // std::optional
#include <stdexcept>     // std::runtime_error
#include <string>        // std::string
#include <system_error>  // std::error_code
#include <utility>       // std::move
#include <vector>        // std::vector

#include "support/fixtures.hpp"

extern char** environ;

namespace fakegraph_test {

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// A directory under the system temp dir, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fakegraph-server-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI
/// (the one-liner the program's --help gives). Empty when openssl is not installed.
struct tls_pair {
  std::string cert, key;
  explicit operator bool() const { return !cert.empty(); }
};

inline tls_pair make_self_signed(const temp_dir& dir) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) return {};
  tls_pair pair{dir.file("cert.pem"), dir.file("key.pem")};
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + pair.key + "' -out '" + pair.cert +
      "' -days 365 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
      ">/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) return {};
  return pair;
}

// The length of a complete HTTP reply at the start of `reply`, or npos while incomplete.
// Only Content-Length framing: that is all the server writes.
inline std::size_t complete_reply_length(const std::string& reply) {
  const std::size_t head_end = reply.find("\r\n\r\n");
  if (head_end == std::string::npos) return std::string::npos;
  std::string head = reply.substr(0, head_end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::size_t at = head.find("\r\ncontent-length:");
  const std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 17));
  const std::size_t total = head_end + 4 + length;
  return reply.size() >= total ? total : std::string::npos;
}

/// Sends raw bytes to 127.0.0.1:port and returns the first complete reply (or whatever
/// came before the server closed the connection or 10 s passed). For requests
/// httplib::Client will not send as they are.
inline std::string raw_exchange(int port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  std::string reply;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
    char buf[4096];
    while (complete_reply_length(reply) == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      reply.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return reply;
}

/// The body of a raw HTTP reply (after the blank line).
inline std::string reply_body(const std::string& reply) {
  const std::size_t end = reply.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : reply.substr(end + 4);
}

/// A Graph error body with the per-request fields (ids, date) removed, for comparing an
/// answer over HTTP with the one the graph gives in process.
inline nlohmann::json without_request_ids(nlohmann::json body) {
  if (body.contains("error") && body["error"].contains("innerError")) {
    auto& inner = body["error"]["innerError"];
    inner.erase("date");
    inner.erase("request-id");
    inner.erase("client-request-id");
  }
  return body;
}

/// A child process with its stdout and stderr on pipes. Killed and reaped when destroyed.
class child_process {
 public:
  explicit child_process(const std::vector<std::string>& args) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    if (::pipe2(err, O_CLOEXEC) != 0) {
      ::close(out[0]);
      ::close(out[1]);
      throw std::runtime_error("pipe2 failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int rc =
        ::posix_spawn(&pid_, args.at(0).c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    if (rc != 0) {
      pid_ = -1;
      close_pipes();
      throw std::runtime_error("posix_spawn failed for " + args.at(0));
    }
  }
  ~child_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    close_pipes();
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// The first line of stdout (without '\n'), waiting at most `timeout`; nullopt if the
  /// program closed stdout or the time ran out first.
  std::optional<std::string> first_stdout_line(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const std::size_t nl = out_.find('\n'); nl != std::string::npos)
        return out_.substr(0, nl);
      if (out_fd_ < 0 || !pump(deadline)) return std::nullopt;
    }
  }

  void send_signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  /// Reads both pipes to their end and reaps the child: its exit status (128 + signal when
  /// killed), or nullopt when it is still running at the deadline (it is then killed).
  std::optional<int> wait(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out_fd_ >= 0 || err_fd_ >= 0)
      if (!pump(deadline)) return std::nullopt;
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return std::nullopt;
  }

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  // Reads whatever either pipe has; false when the deadline passed.
  bool pump(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0) return errno == EINTR;
    if (ready == 0) return false;
    drain(fds[0], out_fd_, out_);
    drain(fds[1], err_fd_, err_);
    return true;
  }

  static void drain(const pollfd& p, int& fd, std::string& into) {
    if (fd < 0 || p.revents == 0) return;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      ::close(fd);
      fd = -1;
    }
  }

  void close_pipes() {
    if (out_fd_ >= 0) ::close(out_fd_);
    if (err_fd_ >= 0) ::close(err_fd_);
    out_fd_ = err_fd_ = -1;
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_, err_;
};

}  // namespace fakegraph_test
