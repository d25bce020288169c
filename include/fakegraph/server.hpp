// fakegraph: the fake on a real socket. A cpp-httplib adapter (`fakegraph::server`) and the
// whole `fakegraph-server` program (`fakegraph::server_main`), kept here so tests can drive
// both. The only fakegraph header that includes <httplib.h>; reach it through the CMake target
// `fakegraph::server`, which also carries the CPPHTTPLIB_* definitions the library was built
// with (Debian's split build breaks in odd ways without them).
//
// A self-signed certificate for local HTTPS (valid for localhost and 127.0.0.1), one line:
//   openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 365 -subj
//   /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1
#pragma once

#include <fakegraph/control.hpp>
#include <fakegraph/fakegraph.hpp>

#include <httplib.h>

#include <pthread.h>     // pthread_sigmask
#include <sys/socket.h>  // setsockopt, SOL_SOCKET, SO_REUSEADDR

#include <algorithm>           // std::max
#include <atomic>              // std::atomic
#include <cerrno>              // errno
#include <chrono>              // std::chrono::steady_clock, system_clock
#include <condition_variable>  // std::condition_variable
#include <csignal>             // sigset_t, sigtimedwait, SIGINT, SIGTERM
#include <cstddef>             // std::size_t
#include <cstdint>             // std::uint64_t
#include <cstdio>              // std::snprintf
#include <cstring>             // std::strerror
#include <ctime>               // timespec
#include <exception>           // std::exception, std::exception_ptr, std::rethrow_exception
#include <fstream>             // std::ifstream (is the TLS file readable?)
#include <functional>          // std::function
#include <memory>              // std::unique_ptr, std::make_unique
#include <mutex>               // std::mutex, std::lock_guard, std::unique_lock
#include <optional>            // std::optional
#include <ostream>             // std::ostream, std::flush
#include <random>              // std::random_device (request ids of httplib-level errors)
#include <stdexcept>           // std::runtime_error
#include <string>              // std::string, std::to_string
#include <string_view>         // std::string_view
#include <thread>              // std::thread
#include <utility>             // std::move

namespace fakegraph {

/// How a `server` listens.
struct server_options {
  /// Address to bind. Loopback by default: the fake has no real authentication.
  std::string host = "127.0.0.1";
  /// 0 lets the system pick a free port; `server::port()` tells which.
  int port = 0;
  /// PEM certificate and private key; both set means HTTPS, neither means HTTP.
  std::string tls_cert;
  std::string tls_key;
  /// Called with one line per request ("GET /v1.0/me/chats 200 0.41ms"), from the worker
  /// threads, possibly at the same time: it must be thread-safe. Empty: no log.
  std::function<void(const std::string&)> log;
  /// false: `log` hears only of failures (a handler that threw), not of every request.
  bool log_requests = true;
  /// Worker threads. A keep-alive connection holds one worker while it stays open, so
  /// this is also how many clients can be served at once. 0: max(16, 4 x cores).
  std::size_t threads = 0;
  /// The control plane (`/_fakegraph/`, see control.hpp) of a server made from a graph: on
  /// when bound to a loopback address, or anywhere with an admin_token; false: off.
  bool admin = true;
  /// When set, control-plane calls must carry `Authorization: Bearer <admin_token>`.
  std::string admin_token;
  /// After a control-plane reset, the clock runs from the seed's time instead of standing.
  bool clock_running = false;
};

namespace detail {

// cpp-httplib adds these to Request::headers itself; no client sent them.
inline bool is_httplib_pseudo_header(std::string_view name) noexcept {
  return iequals(name, "REMOTE_ADDR") || iequals(name, "REMOTE_PORT") ||
         iequals(name, "LOCAL_ADDR") || iequals(name, "LOCAL_PORT");
}

// Headers that describe the transfer, which cpp-httplib writes for the body it sends.
inline bool is_transfer_header(std::string_view name) noexcept {
  return iequals(name, "Content-Type") || iequals(name, "Content-Length") ||
         iequals(name, "Transfer-Encoding") || iequals(name, "Connection");
}

// A Host header goes into every link the graph writes, so only host[:port] shapes pass:
// no userinfo, path, query, fragment, space or control character.
inline bool is_plain_authority(std::string_view authority) noexcept {
  if (authority.empty() || authority.size() > 255) return false;
  for (const char c : authority) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '[' ||
                    c == ']' || c == '%';
    if (!ok) return false;
  }
  return true;
}

// "host:port", with an IPv6 literal in brackets as URLs require.
inline std::string make_authority(std::string_view host, int port) {
  std::string out;
  if (host.find(':') != std::string_view::npos && host.front() != '[')
    out.append("[").append(host).append("]");
  else
    out.append(host);
  return out + ":" + std::to_string(port);
}

/// The fakegraph request for what cpp-httplib received. The URL is absolute so the graph
/// writes its links on this server's origin: `scheme`, then the Host header (else the
/// address the client reached, else `fallback_authority`), then the request target exactly
/// as sent (still percent-encoded: a skiptoken must come back byte for byte).
inline request to_graph_request(const httplib::Request& in, std::string_view scheme,
                                std::string_view fallback_authority) {
  request out;
  out.method = in.method;
  std::string authority = in.get_header_value("Host");
  if (!is_plain_authority(authority))
    authority = (!in.local_addr.empty() && in.local_port > 0)
                    ? make_authority(in.local_addr, in.local_port)
                    : std::string(fallback_authority);
  const std::string origin = std::string(scheme) + "://" + authority;
  if (!in.target.empty() && in.target.front() == '/')
    out.url = origin + in.target;
  else if (istarts_with(in.target, "http://") || istarts_with(in.target, "https://"))
    out.url = in.target;  // absolute-form (RFC 9112 §3.2.2): the target names its origin
  else
    out.url = origin + "/" + in.target;  // "*" and other oddities: the graph answers 404
  out.headers.reserve(in.headers.size());
  for (const auto& [name, value] : in.headers)
    if (!is_httplib_pseudo_header(name)) out.headers.emplace_back(name, value);
  out.body = in.body;
  return out;
}

/// Moves a fakegraph response into cpp-httplib's: status, every header, the exact body.
/// httplib writes the framing headers itself; Content-Type is set once, as the graph gave it.
inline void to_httplib_response(response&& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [name, value] : in.headers)
    if (!is_transfer_header(name)) out.set_header(name, value);
  const std::string content_type = in.header("Content-Type");
  if (!content_type.empty()) out.set_header("Content-Type", content_type);
  out.body = std::move(in.body);
}

/// One log line: method, target as received, status, milliseconds spent answering (or "-"
/// for a request httplib refused before routing, e.g. a malformed request line).
inline std::string format_request_log(std::string_view method, std::string_view target, int status,
                                      double ms) {
  std::string line(method.empty() ? std::string_view("-") : method);
  line.append(" ").append(target.empty() ? std::string_view("-") : target);
  line.append(" ").append(std::to_string(status)).append(" ");
  if (ms < 0) return line + "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fms", ms);
  return line + buf;
}

// Graph's error codes for the requests cpp-httplib refuses before any handler runs.
inline std::string_view status_code_name(int status) noexcept {
  switch (status) {
    case 400:
      return "BadRequest";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 413:
      return "RequestEntityTooLarge";
    case 414:
      return "RequestUriTooLong";
    case 416:
      return "RequestedRangeNotSatisfiable";
    case 417:
      return "ExpectationFailed";
    case 500:
      return "InternalServerError";
    default:
      return status < 500 ? "BadRequest" : "UnknownError";
  }
}

// 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach.
inline bool is_loopback_host(std::string_view host) noexcept {
  return host.rfind("127.", 0) == 0 || host == "::1" || host == "[::1]" ||
         iequals(host, "localhost");
}

struct server_state {
  std::function<response(const request&)> handle;
  std::unique_ptr<control_plane> control;  // null: no control plane
  std::string admin_token;
  std::function<void(const std::string&)> log;
  bool log_requests = true;
  std::unique_ptr<httplib::Server> http;
  std::string scheme;
  std::string host;
  int port = 0;
  std::thread listener;

  std::mutex mutex;  // guards the three flags below
  std::condition_variable changed;
  bool listening = false;      // the accept loop is about to run: httplib's stop() now works
  bool listener_done = false;  // listen_after_bind() returned
  bool stopped = false;

  std::mutex stop_mutex;  // one stop() at a time

  std::uint64_t id_seed = 0;
  std::atomic<std::uint64_t> id_counter{0};

  call_context error_context(const httplib::Request& req) {
    return error_context_of(req.get_header_value("client-request-id"));
  }
  call_context error_context_of(const std::string& client_request_id) {
    call_context ctx;
    const std::uint64_t n = id_counter.fetch_add(1, std::memory_order_relaxed);
    ctx.request_id = make_guid(splitmix64(id_seed + 2 * n), splitmix64(id_seed + 2 * n + 1));
    ctx.client_request_id = header_text(client_request_id);
    if (ctx.client_request_id.empty()) ctx.client_request_id = ctx.request_id;
    ctx.now = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    return ctx;
  }

  // Logged here, before httplib writes the reply, rather than from httplib's logger (which
  // runs after the write): a client's next request could otherwise be logged first.
  void log_request(const httplib::Request& req, int status, double ms) const {
    if (!log || !log_requests) return;
    try {
      log(format_request_log(req.method, req.target, status, ms));
    } catch (...) {
      // A failing log sink must not take the connection down with it.
    }
  }

  void answer_escaped_exception(const httplib::Request& req, httplib::Response& res,
                                std::exception_ptr escaped) noexcept {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(escaped);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    try {
      if (log) log("fakegraph: a handler threw (a bug in fakegraph): " + what);
    } catch (...) {
    }
    try {
      to_httplib_response(
          graph_error(error_context(req), 500, "InternalServerError", "fakegraph: " + what), res);
    } catch (...) {
      // Not even the error body could be built: a fixed one, which needs no memory of ours.
      res.status = 500;
      res.body = R"({"error":{"code":"InternalServerError","message":"fakegraph failed"}})";
      res.headers.clear();
      res.set_header("Content-Type", "application/json");
    }
  }

  // Tags a handler's own empty-bodied error for the error handler, which removes the tag and
  // leaves the answer alone (it would otherwise take it for a request httplib refused).
  static constexpr const char* handler_answer_tag = "X-Fakegraph-Handler-Answer";

  // A control-plane call (or null): Graph routes never see `/_fakegraph/`, and Graph tokens
  // never open it.
  std::optional<response> control_answer(const request& in) {
    if (!control || !control_plane::owns(split_url(in.url).path)) return std::nullopt;
    if (!admin_token.empty() && in.header("Authorization") != "Bearer " + admin_token) {
      call_context ctx = error_context_of(in.header("client-request-id"));
      return graph_error(ctx, 401, "InvalidAuthenticationToken",
                         "The control plane needs 'Authorization: Bearer <the --admin-token "
                         "the server was started with>'.");
    }
    return control->handle(in);
  }

  void serve(const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    try {
      const request in = to_graph_request(req, scheme, make_authority(host, port));
      if (auto answer = control_answer(in))
        to_httplib_response(std::move(*answer), res);
      else
        to_httplib_response(handle(in), res);
    } catch (...) {
      // The last guard: the graph answers Graph's failures itself, so anything thrown here
      // is a bug in the fake (or memory ran out). Log it, answer Graph's 500, live on.
      answer_escaped_exception(req, res, std::current_exception());
    }
    if (res.status >= 400 && res.body.empty()) res.set_header(handler_answer_tag, "1");
    log_request(req, res.status,
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
  }
};

}  // namespace detail

/// A fakegraph graph served over HTTP(S) by cpp-httplib, for tests and the program.
///
/// The constructor returns once the socket is bound and listening (connections made from
/// then on are served); the destructor stops and joins. Every request, whatever its method
/// and path, goes to the graph, which answers unknown routes with Graph's 404 and known
/// routes with a wrong method with 405. Links in answers (`@odata.nextLink`,
/// `@odata.context`) point back at this server: its scheme and the request's Host header.
///
/// The server holds a `graph::transport()`, which shares the graph's state: what a test
/// changes through the graph is served at once, and the graph object may go first.
/// A moved-from server only answers port() (0), running() (false), stop() and destruction.
/// Safe to use from many threads; `stop()` may be called from any of them, repeatedly.
/// Constructing one sets SIGPIPE to ignored for the process (cpp-httplib does this).
class server {
 public:
  using handler = std::function<response(const request&)>;

  // `options` is copied, not moved: the order in which the arguments are evaluated is
  // unspecified, and control_plane_for reads it.
  explicit server(const graph& g, server_options options = {})
      : server(g.transport(), options, control_plane_for(g, options)) {}

  /// Serves any handler with fakegraph's request/response shapes (a graph's transport, or
  /// a wrapper around one that records or alters traffic).
  /// Throws `fakegraph::error`: [fakegraph.server.options] for a bad port or half a TLS
  /// pair, [fakegraph.server.tls] for an unusable certificate or key,
  /// [fakegraph.server.bind] when the address cannot be bound (busy port, unknown host).
  explicit server(handler h, server_options options = {})
      : server(std::move(h), std::move(options), nullptr) {}

  server(server&&) noexcept = default;
  server& operator=(server&& other) noexcept {
    if (this != &other) {
      stop();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server() { stop(); }

  /// Whether `/_fakegraph/` answers (see server_options::admin).
  bool control_plane_on() const noexcept { return state_ && state_->control != nullptr; }

  /// Whether options give a server made from a graph its control plane: asked for, and on
  /// loopback or behind an admin token.
  static bool control_plane_allowed(const server_options& options) {
    return options.admin &&
           (detail::is_loopback_host(options.host) || !options.admin_token.empty());
  }

 private:
  static std::unique_ptr<control_plane> control_plane_for(const graph& g,
                                                          const server_options& options) {
    if (!control_plane_allowed(options)) return nullptr;
    return std::make_unique<control_plane>(g, control_options{options.clock_running});
  }

  server(handler h, server_options options, std::unique_ptr<control_plane> control)
      : state_(std::make_unique<detail::server_state>()) {
    auto& s = *state_;
    s.control = std::move(control);
    s.admin_token = options.admin_token;
    if (!h) throw error("fakegraph.server.options", "the handler is empty");
    if (options.port < 0 || options.port > 65535)
      throw error("fakegraph.server.options",
                  "port " + std::to_string(options.port) + " is outside 0..65535");
    if (options.host.empty()) throw error("fakegraph.server.options", "the host is empty");
    if (options.tls_cert.empty() != options.tls_key.empty())
      throw error("fakegraph.server.options",
                  "HTTPS needs both a certificate and a key (got only the " +
                      std::string(options.tls_cert.empty() ? "key" : "certificate") + ")");
    s.handle = std::move(h);
    s.log = std::move(options.log);
    s.log_requests = options.log_requests;
    s.host = options.host;
    s.http = make_http_server(options);
    s.scheme = options.tls_cert.empty() ? "http" : "https";
    std::random_device entropy;
    s.id_seed = (std::uint64_t{entropy()} << 32) ^ entropy();
    configure(options);

    errno = 0;
    const int bound = options.port == 0
                          ? s.http->bind_to_any_port(s.host)
                          : (s.http->bind_to_port(s.host, options.port) ? options.port : -1);
    if (bound <= 0) {
      const int why = errno;
      throw error("fakegraph.server.bind",
                  "cannot listen on " + detail::make_authority(s.host, options.port) +
                      (why != 0 ? std::string(": ") + std::strerror(why) : std::string()) +
                      (options.port != 0 ? " (is the port in use?)" : ""));
    }
    s.port = bound;

    // listen_after_bind() reports nothing until its accept loop starts, and httplib's stop()
    // is a no-op before then: stopping earlier would leave the thread running forever. The
    // task-queue factory runs just before the loop, so it is the "now stoppable" signal.
    detail::server_state* sp = state_.get();
    s.listener = std::thread([sp] {
      sp->http->listen_after_bind();
      {
        std::lock_guard<std::mutex> lock(sp->mutex);
        sp->listener_done = true;
      }
      sp->changed.notify_all();
    });
    std::unique_lock<std::mutex> lock(s.mutex);
    s.changed.wait(lock, [&] { return s.listening || s.listener_done; });
    if (!s.listening) {
      lock.unlock();
      s.listener.join();
      throw error("fakegraph.server.bind",
                  "cannot listen on " + detail::make_authority(s.host, s.port));
    }
  }

 public:
  /// The bound port (the real one when 0 was asked for).
  int port() const noexcept { return state_ ? state_->port : 0; }
  /// The bound host, as given.
  const std::string& host() const noexcept { return state_->host; }
  /// "http" or "https".
  const std::string& scheme() const noexcept { return state_->scheme; }
  /// "http://127.0.0.1:54321": scheme, host and port, no trailing slash.
  std::string base_url() const { return scheme() + "://" + detail::make_authority(host(), port()); }

  /// True from construction until stop() (or until the accept loop failed on its own).
  bool running() const {
    if (!state_) return false;
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->listening && !state_->listener_done && !state_->stopped;
  }

  /// Closes the listening socket, lets the requests in flight finish and joins every
  /// thread. Idle keep-alive connections are closed within 2 s. Idempotent.
  void stop() {
    if (!state_) return;
    std::lock_guard<std::mutex> stop_lock(state_->stop_mutex);
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (state_->stopped) return;
      state_->stopped = true;
    }
    state_->http->stop();
    if (state_->listener.joinable()) state_->listener.join();
  }

 private:
  static std::unique_ptr<httplib::Server> make_http_server(const server_options& options) {
    if (options.tls_cert.empty()) return std::make_unique<httplib::Server>();
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    for (const std::string* path : {&options.tls_cert, &options.tls_key})
      if (!std::ifstream(*path)) throw error("fakegraph.server.tls", "cannot read '" + *path + "'");
    auto https =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!https->is_valid())
      throw error("fakegraph.server.tls", "cannot use certificate '" + options.tls_cert +
                                              "' with key '" + options.tls_key +
                                              "' (not PEM, or the key does not match)");
    return https;
#else
    throw error("fakegraph.server.tls",
                "this cpp-httplib was built without OpenSSL support (CPPHTTPLIB_OPENSSL_SUPPORT)");
#endif
  }

  void configure(const server_options& options) {
    detail::server_state* sp = state_.get();
    httplib::Server& http = *sp->http;

    const httplib::Server::Handler forward = [sp](const httplib::Request& req,
                                                  httplib::Response& res) { sp->serve(req, res); };
    // Every method and path goes to the graph: it owns the 404/405 answers.
    http.Get(".*", forward);
    http.Post(".*", forward);
    http.Put(".*", forward);
    http.Patch(".*", forward);
    http.Delete(".*", forward);
    http.Options(".*", forward);

    // httplib calls this for every status >= 400. The graph's answers already have a body;
    // what is left are requests httplib refused itself (TRACE, CONNECT, a malformed request
    // line, an over-long URI): they get Graph's error shape too, never an empty reply.
    http.set_error_handler(httplib::Server::HandlerWithResponse([sp](const httplib::Request& req,
                                                                     httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      if (res.has_header(detail::server_state::handler_answer_tag)) {
        res.headers.erase(detail::server_state::handler_answer_tag);
        return httplib::Server::HandlerResponse::Unhandled;
      }
      if (req.method == "TRACE" || req.method == "CONNECT") {
        sp->serve(req, res);
        res.headers.erase(detail::server_state::handler_answer_tag);
      } else {
        const int status = res.status;
        detail::to_httplib_response(
            detail::graph_error(sp->error_context(req), status, detail::status_code_name(status),
                                "The request could not be read as HTTP/1.1 (status " +
                                    std::to_string(status) + ")."),
            res);
        sp->log_request(req, status, -1);
      }
      return httplib::Server::HandlerResponse::Handled;
    }));

    // httplib's default sets SO_REUSEPORT, which lets a second server bind a port that is
    // already in use and steal half its connections. SO_REUSEADDR alone still allows a
    // quick restart on a port left in TIME_WAIT, and a busy port fails to bind.
    http.set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    // httplib writes the head and the body of a reply separately; with Nagle's algorithm
    // the body then waits for the client's delayed ACK, about 40 ms per keep-alive request.
    http.set_tcp_nodelay(true);
    // Keep-alive clients (SDKs, httplib::Client) reuse a connection for many requests;
    // httplib's default of 5 per connection makes them reconnect all the time.
    http.set_keep_alive_max_count(1000);
    // An idle keep-alive connection holds a worker and delays stop() by up to this long.
    http.set_keep_alive_timeout(2);

    const unsigned cores = std::thread::hardware_concurrency();
    const std::size_t threads =
        options.threads != 0 ? options.threads : std::max<std::size_t>(16, 4 * std::size_t{cores});
    http.new_task_queue = [sp, threads]() -> httplib::TaskQueue* {
      auto* pool = new httplib::ThreadPool(threads);
      {
        std::lock_guard<std::mutex> lock(sp->mutex);
        sp->listening = true;
      }
      sp->changed.notify_all();
      return pool;
    };
  }

  std::unique_ptr<detail::server_state> state_;
};

namespace detail {

inline constexpr std::string_view server_usage =
    R"(Usage: fakegraph-server [--data FILE] [--host HOST] [--port N]
                        [--tls-cert FILE --tls-key FILE] [--clock running|fixed]
                        [--admin-token TOKEN | --no-admin]
                        [--journal ENTRIES] [--journal-mib MIB] [--quiet]

Serves fakegraph, an in-memory fake of Microsoft Graph's Teams chat API (List chats,
chats: getAllMessages and its delta, a chat, its members and its messages), over HTTP or
HTTPS.

Options:
  --data FILE       seed file: the JSON world (users, chats, messages, tokens) to serve;
                    default: the built-in default world (data/contoso.json)
  --host HOST       address to bind (default 127.0.0.1; the fake has no real
                    authentication, so keep it on loopback unless you must)
  --port N          port to bind, 0 picks a free one (default 8080)
  --tls-cert FILE   PEM certificate: serve HTTPS instead of HTTP (needs --tls-key)
  --tls-key FILE    PEM private key of --tls-cert
  --clock MODE      running (default): the clock starts at the seed's settings.now (or
                    the wall clock) and moves with real time; fixed: it stands still
                    unless the control plane moves it
  --admin-token T   the control plane (/_fakegraph/: reset, clock, journal, faults,
                    snapshots, coverage) requires 'Authorization: Bearer T'; without it
                    the plane is open on a loopback address and off on any other
  --no-admin        no control plane
  --journal N       keep the last N requests in the journal (default 1000; 0: none)
  --journal-mib M   and at most M MiB of their bodies (default 2)
  --quiet           no line per request on stderr (failures are still logged)
  -h, --help        print this help and exit

Once it accepts connections it prints one line to stdout,
  fakegraph listening on http://HOST:PORT      (https:// with --tls-cert)
then logs one line per request to stderr (unless --quiet): method, path, status,
milliseconds.
SIGINT (Ctrl-C) or SIGTERM stops it with exit status 0. Exit status 1: the seed,
the certificate or the address could not be used; 2: bad command line.

Example, with the default world's token for Adele Vance (data/README.md lists them all):
  curl -H 'Authorization: Bearer adele-read' 'http://127.0.0.1:8080/v1.0/me/chats?$top=2'

HTTPS for local use: make a self-signed certificate for localhost and 127.0.0.1,
  openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 365 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1
then
  fakegraph-server --tls-cert cert.pem --tls-key key.pem
  curl --cacert cert.pem -H 'Authorization: Bearer adele-read' https://127.0.0.1:8080/v1.0/me/chats

Control plane, from any language (JSON in and out; see the README):
  curl -X POST http://127.0.0.1:8080/_fakegraph/reset
  curl -d '{"advance": "PT1H"}' http://127.0.0.1:8080/_fakegraph/clock
)";

// A bad command line: the message is for the person who typed it.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct server_command_line {
  bool help = false;
  std::string data;
  bool clock_running = true;
  // The journal's budget: what the control plane reads, bounded so a long run does not grow.
  std::size_t journal_entries = 1000;
  std::size_t journal_mib = 2;
  server_options options;
};

// Parses the program's flags ("--name value" or "--name=value"); throws usage_error.
inline server_command_line parse_server_command_line(int argc, char** argv) {
  server_command_line cmd;
  cmd.options.port = 8080;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      cmd.help = true;
      continue;
    }
    std::string value;
    bool has_value = false;
    if (const std::size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      has_value = true;
    }
    if (arg == "--no-admin" && !has_value) {
      cmd.options.admin = false;
      continue;
    }
    if (arg == "--quiet" && !has_value) {
      cmd.options.log_requests = false;
      continue;
    }
    const bool known = arg == "--data" || arg == "--host" || arg == "--port" ||
                       arg == "--tls-cert" || arg == "--tls-key" || arg == "--clock" ||
                       arg == "--admin-token" || arg == "--journal" || arg == "--journal-mib";
    if (!known) throw usage_error("unknown option '" + arg + "'");
    if (!has_value) {
      if (i + 1 >= argc) throw usage_error("option '" + arg + "' needs a value");
      value = argv[++i];
    }
    if (arg == "--data") {
      if (value.empty()) throw usage_error("--data needs a file name");
      cmd.data = value;
    } else if (arg == "--host") {
      if (value.empty()) throw usage_error("--host needs an address");
      cmd.options.host = value;
    } else if (arg == "--port") {
      long port = -1;
      if (!value.empty() && value.size() <= 5 &&
          value.find_first_not_of("0123456789") == std::string::npos)
        port = std::stol(value);
      if (port < 0 || port > 65535)
        throw usage_error("--port needs a number from 0 to 65535, not '" + value + "'");
      cmd.options.port = static_cast<int>(port);
    } else if (arg == "--tls-cert") {
      cmd.options.tls_cert = value;
    } else if (arg == "--clock") {
      if (value != "running" && value != "fixed")
        throw usage_error("--clock takes running or fixed, not '" + value + "'");
      cmd.clock_running = value == "running";
    } else if (arg == "--journal" || arg == "--journal-mib") {
      const bool number = !value.empty() && value.size() <= 7 &&
                          value.find_first_not_of("0123456789") == std::string::npos;
      if (!number)
        throw usage_error(arg + " needs a whole number from 0 to 9999999, not '" + value + "'");
      (arg == "--journal" ? cmd.journal_entries : cmd.journal_mib) = std::stoul(value);
    } else if (arg == "--admin-token") {
      if (value.empty()) throw usage_error("--admin-token needs a token");
      cmd.options.admin_token = value;
    } else {
      cmd.options.tls_key = value;
    }
  }
  if (!cmd.options.admin && !cmd.options.admin_token.empty())
    throw usage_error("--admin-token and --no-admin do not go together");
  cmd.options.clock_running = cmd.clock_running;
  if (!cmd.help && cmd.options.tls_cert.empty() != cmd.options.tls_key.empty())
    throw usage_error("--tls-cert and --tls-key go together");
  return cmd;
}

// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread it starts) for
// its lifetime, so they can be taken with sigtimedwait instead of a handler.
class blocked_stop_signals {
 public:
  blocked_stop_signals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~blocked_stop_signals() {
    // Unblocking with one still pending would deliver it, and kill us after a clean stop.
    const timespec zero{0, 0};
    while (sigtimedwait(&set_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  blocked_stop_signals(const blocked_stop_signals&) = delete;
  blocked_stop_signals& operator=(const blocked_stop_signals&) = delete;

  /// The signal taken within `timeout`, or 0.
  int wait(const timespec& timeout) const {
    const int sig = sigtimedwait(&set_, nullptr, &timeout);
    return sig > 0 ? sig : 0;
  }

 private:
  sigset_t set_{};
  sigset_t previous_{};
};

}  // namespace detail

/// The `fakegraph-server` program: parses `argv`, loads the seed (`--data FILE`, else
/// `default_world_json`), serves until SIGINT/SIGTERM and returns the exit status
/// (0 clean stop or --help, 1 unusable seed/certificate/address, 2 bad command line).
/// The ready line goes to `out`, request logs and errors to `err`.
///
/// Meant to be the whole program: it blocks SIGINT and SIGTERM in the calling thread while
/// it runs (threads started earlier by the caller are not covered).
inline int server_main(int argc, char** argv, std::ostream& out, std::ostream& err,
                       std::string_view default_world_json = {}) {
  constexpr std::string_view program = "fakegraph-server: ";
  // From the start, so a signal during a long seed load still ends in a clean stop.
  const detail::blocked_stop_signals signals;
  detail::server_command_line cmd;
  try {
    cmd = detail::parse_server_command_line(argc, argv);
  } catch (const detail::usage_error& e) {
    err << program << e.what() << "\nTry 'fakegraph-server --help'.\n" << std::flush;
    return 2;
  }
  if (cmd.help) {
    out << detail::server_usage << std::flush;
    return 0;
  }

  std::unique_ptr<graph> world;
  try {
    if (!cmd.data.empty()) {
      world = std::make_unique<graph>(graph::from_file(cmd.data));
    } else if (!default_world_json.empty()) {
      world = std::make_unique<graph>(
          graph::from_text(std::string(default_world_json), "the default world"));
    } else {
      err << program << "no default world was built in; give a seed with --data FILE\n"
          << std::flush;
      return 1;
    }
  } catch (const std::exception& e) {
    err << program << "cannot load the seed "
        << (cmd.data.empty() ? std::string("(default world)") : "'" + cmd.data + "'") << ": "
        << e.what() << "\n"
        << std::flush;
    return 1;
  }

  // The clock: running from the seed's time (or the wall clock), or standing still.
  if (cmd.clock_running)
    world->clock().run_from(world->clock().now());
  else
    world->clock().set(world->clock().now());

  if (cmd.journal_entries == 0)
    world->journal().set_enabled(false);
  else
    world->journal().set_capacity(cmd.journal_entries, cmd.journal_mib << 20);

  // Over HTTP a delay fault is real latency: the worker sleeps before it answers.
  world->on_delay([](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });

  std::mutex log_mutex;  // outlives srv, whose workers log through it
  cmd.options.log = [&log_mutex, &err](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mutex);
    err << line << '\n' << std::flush;
  };

  const bool admin_asked = cmd.options.admin;
  std::unique_ptr<server> srv;
  try {
    srv = std::make_unique<server>(*world, std::move(cmd.options));
  } catch (const std::exception& e) {
    err << program << e.what() << "\n" << std::flush;
    return 1;
  }
  const bool admin_refused = admin_asked && !srv->control_plane_on();
  out << "fakegraph listening on " << srv->base_url()
      << (admin_refused ? " (control plane off: not on a loopback address and no --admin-token)"
                        : "")
      << std::endl;

  int status = 0;
  for (;;) {
    // The timeout only notices an accept loop that died on its own.
    if (const int sig = signals.wait(timespec{1, 0}); sig != 0) {
      std::lock_guard<std::mutex> lock(log_mutex);
      err << program << "stopping on " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << "\n"
          << std::flush;
      break;
    }
    if (!srv->running()) {
      std::lock_guard<std::mutex> lock(log_mutex);
      err << program << "the listening socket failed; stopping\n" << std::flush;
      status = 1;
      break;
    }
  }
  srv->stop();
  return status;
}

}  // namespace fakegraph
