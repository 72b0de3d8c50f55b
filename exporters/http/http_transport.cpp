#include "exporters/http/http_transport.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <libdeflate.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace kj::exporters {
namespace {

// OpenSSL's global state, set up by Poco with a reference count: each HTTPS transport holds
// one reference for its lifetime instead of the program initialising it from main().
class SslLibrary {
 public:
  SslLibrary() { Poco::Net::initializeSSL(); }
  ~SslLibrary() { Poco::Net::uninitializeSSL(); }
  SslLibrary(const SslLibrary&) = delete;
  SslLibrary& operator=(const SslLibrary&) = delete;
};

void require_readable(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error(std::string(what) + " " + path +
                             ": cannot read: " + std::strerror(errno));
}

std::string base64(std::string_view text) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(text.data(), static_cast<std::streamsize>(text.size()));
  encoder.close();
  return out.str();
}

// gzip (RFC 1952) of `in` at `level`, with libdeflate: bodies are compressed whole, once per
// batch, which is what it is built for, and at level 1 it is ~1.7x faster than zlib's level 1
// while compressing log batches better (5.4x against 4.7x; bench/README.md). Compression was
// the largest cost of the agent with gzip on.
std::string gzip(std::string_view in, int level) {
  std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> c(
      libdeflate_alloc_compressor(level), &libdeflate_free_compressor);
  if (!c)
    throw std::runtime_error("gzip: cannot set up compression at level " + std::to_string(level));
  std::string out;
  out.resize(libdeflate_gzip_compress_bound(c.get(), in.size()));
  const size_t produced =
      libdeflate_gzip_compress(c.get(), in.data(), in.size(), out.data(), out.size());
  if (produced == 0) throw std::runtime_error("gzip: compression failed");
  out.resize(produced);
  // The bound is the input size plus a little: give the unused part back, because the body
  // is kept until the batch has a final outcome.
  out.shrink_to_fit();
  return out;
}

Poco::Timespan to_timespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

}  // namespace

std::string read_secret_file(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error(std::string(what) + " " + path.string() +
                             ": cannot read: " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Files written by `echo` or editors end with a newline that is not part of the secret.
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
    text.pop_back();
  if (text.empty())
    throw std::runtime_error(std::string(what) + " " + path.string() + ": file is empty");
  return text;
}

struct HttpTransport::Impl {
  config::HttpConfig config;
  bool https = false;
  std::string host;
  uint16_t port = 0;
  std::string base_path;  // without a trailing '/'
  std::string endpoint;
  std::optional<SslLibrary> ssl;
  Poco::Net::Context::Ptr context;
  std::unique_ptr<Poco::Net::HTTPClientSession> session;

  void parse_url() {
    Poco::URI uri;
    try {
      uri = Poco::URI(config.url);
    } catch (const Poco::Exception& e) {
      throw std::runtime_error("url " + config.url + ": " + e.displayText());
    }
    if (uri.getScheme() == "https")
      https = true;
    else if (uri.getScheme() != "http")
      throw std::runtime_error("url " + config.url + ": scheme must be http or https");
    if (uri.getHost().empty()) throw std::runtime_error("url " + config.url + ": no host");
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty())
      throw std::runtime_error("url " + config.url + ": must not have a query or fragment");
    host = uri.getHost();
    port = uri.getPort();
    base_path = uri.getPath();
    while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
    endpoint = uri.getScheme() + "://" + host + ":" + std::to_string(port);
  }

  // The Authorization header is built from files (password, token, API key) that operators
  // and Kubernetes rotate in place (projected service account tokens are swapped every hour
  // by an atomic symlink change), so the files are watched: a stat per request, and a
  // re-read when one changed. A file that cannot be read after a change keeps the previous
  // credentials in use, with a warning; the secret itself is never logged.
  struct WatchedFile {
    std::string path;
    struct stat seen {};
  };
  std::vector<WatchedFile> auth_files;
  std::string authorization;  // the Authorization header value, empty: none
  Logger logger;

  std::string build_authorization() const {
    const auto& auth = config.auth;
    if (!auth.basic_user.empty()) {
      std::string password;
      if (!auth.basic_password_file.empty())
        password = read_secret_file(auth.basic_password_file, "auth password_file");
      return "Basic " + base64(auth.basic_user + ":" + password);
    }
    if (!auth.bearer_token_file.empty())
      return "Bearer " + read_secret_file(auth.bearer_token_file, "auth bearer_token_file");
    if (!auth.api_key_file.empty())
      return "ApiKey " + read_secret_file(auth.api_key_file, "auth api_key_file");
    return {};
  }

  static bool same_file_state(const struct stat& a, const struct stat& b) {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
           a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
  }

  void load_auth() {
    const auto& auth = config.auth;
    const int schemes =
        !auth.basic_user.empty() + !auth.bearer_token_file.empty() + !auth.api_key_file.empty();
    if (schemes > 1)
      throw std::runtime_error(
          "auth: basic, bearer_token_file and api_key_file are mutually exclusive");
    if (auth.basic_user.empty() && !auth.basic_password_file.empty())
      throw std::runtime_error("auth password_file " + auth.basic_password_file +
                               ": no user given");
    for (const std::string* path :
         {&auth.basic_password_file, &auth.bearer_token_file, &auth.api_key_file}) {
      if (path->empty()) continue;
      WatchedFile f;
      f.path = *path;
      ::stat(path->c_str(), &f.seen);  // before the read: a change in between is seen later
      auth_files.push_back(std::move(f));
    }
    authorization = build_authorization();
  }

  void refresh_auth() {
    bool changed = false;
    for (auto& f : auth_files) {
      struct stat now {};
      if (::stat(f.path.c_str(), &now) != 0) now = {};
      if (!same_file_state(now, f.seen)) {
        f.seen = now;
        changed = true;
      }
    }
    if (!changed) return;
    try {
      authorization = build_authorization();
      if (logger)
        logger(LogLevel::info, endpoint + ": credentials re-read after their file changed");
    } catch (const std::exception& e) {
      // Re-read only after a change, so this warns once per change.
      if (logger)
        logger(LogLevel::warning,
               endpoint + ": " + e.what() + "; keeping the previous credentials");
    }
  }

  void load_tls() {
    const auto& tls = config.tls;
    if (!https) return;
    if (!tls.ca_file.empty()) require_readable(tls.ca_file, "tls ca_file");
    if (!tls.cert_file.empty()) require_readable(tls.cert_file, "tls cert_file");
    if (!tls.key_file.empty()) require_readable(tls.key_file, "tls key_file");
    if (!tls.key_file.empty() && tls.cert_file.empty())
      throw std::runtime_error("tls key_file " + tls.key_file + ": no cert_file given");
    ssl.emplace();
    Poco::Net::Context::Params params;
    params.caLocation = tls.ca_file;
    params.loadDefaultCAs = tls.ca_file.empty();
    params.certificateFile = tls.cert_file;
    // A PEM file may hold the certificate and its key together.
    params.privateKeyFile = tls.key_file.empty() ? tls.cert_file : tls.key_file;
    params.verificationMode = tls.insecure_skip_verify ? Poco::Net::Context::VERIFY_NONE
                                                       : Poco::Net::Context::VERIFY_RELAXED;
    params.verificationDepth = 9;
    try {
      context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    } catch (const Poco::Exception& e) {
      throw std::runtime_error("tls (ca_file '" + tls.ca_file + "', cert_file '" + tls.cert_file +
                               "', key_file '" + params.privateKeyFile + "'): " + e.displayText());
    }
  }

  Poco::Net::HTTPClientSession& current_session() {
    if (session) return *session;
    if (https) {
      Poco::Net::SecureStreamSocket socket(context);
      // The name sent as SNI and checked against the certificate.
      socket.setPeerHostName(config.tls.server_name.empty() ? host : config.tls.server_name);
      auto s = std::make_unique<Poco::Net::HTTPSClientSession>(socket);
      s->setHost(host);
      s->setPort(port);
      session = std::move(s);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(host, port);
    }
    const auto t = to_timespan(config.timeout);
    session->setTimeout(t, t, t);
    session->setKeepAlive(true);
    // Servers close idle connections after a few seconds (ClickHouse: 3 s); reconnecting
    // before that avoids sending into a socket the server is closing.
    session->setKeepAliveTimeout(Poco::Timespan(2, 0));
    return *session;
  }

  HttpResponse attempt(const PreparedRequest& r, bool& was_connected) {
    HttpResponse out;
    auto& s = current_session();
    was_connected = s.connected();
    bool request_sent = false;
    try {
      Poco::Net::HTTPRequest request(r.method, base_path + r.path_and_query,
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.setKeepAlive(true);
      if (!r.content_type.empty()) request.setContentType(r.content_type);
      if (!r.content_encoding.empty()) request.set("Content-Encoding", r.content_encoding);
      if (r.method != "GET" || !r.body.empty())
        request.setContentLength64(static_cast<Poco::Int64>(r.body.size()));
      if (!authorization.empty()) request.set("Authorization", authorization);
      for (const auto& header : config.auth.headers) request.set(header.first, header.second);
      for (const auto& [name, value] : r.headers) request.set(name, value);
      std::ostream& body = s.sendRequest(request);
      request_sent = true;
      body.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
      body.flush();
      Poco::Net::HTTPResponse response;
      std::istream& in = s.receiveResponse(response);
      out.status = static_cast<int>(response.getStatus());
      for (const auto& [name, value] : response) out.headers.emplace_back(name, value);
      char buf[8192];
      size_t drained = 0;
      const size_t cap = r.max_response_body != 0 ? r.max_response_body : kMaxResponseBody;
      while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        const auto n = static_cast<size_t>(in.gcount());
        if (out.body.size() < cap)
          out.body.append(buf, std::min(n, cap - out.body.size()));
        else if ((drained += n) > 16 * cap)
          break;  // a runaway body: give up on this connection rather than read it all
      }
      if (!in.eof()) session.reset();
      if (out.status == 0) out.status = -1;  // never report an HTTP answer as "no response"
    } catch (const Poco::TimeoutException& e) {
      out = fail(e.displayText(), request_sent);
      out.timed_out = true;
    } catch (const Poco::Net::ConnectionRefusedException& e) {
      out = fail("connection refused: " + e.displayText(), false);
      out.connect_failed = true;
    } catch (const Poco::Net::HostNotFoundException& e) {
      out = fail(e.displayText(), false);
      out.connect_failed = true;
    } catch (const Poco::Net::NoAddressFoundException& e) {
      out = fail(e.displayText(), false);
      out.connect_failed = true;
    } catch (const Poco::Exception& e) {
      out = fail(e.displayText(), request_sent);
      out.connect_failed = !request_sent && !was_connected;
    } catch (const std::exception& e) {
      out = fail(e.what(), request_sent);
    }
    return out;
  }

  HttpResponse fail(const std::string& what, bool request_sent) {
    session.reset();  // the connection's state is unknown: start over on the next request
    HttpResponse out;
    out.transport_error = endpoint + ": " + what + (request_sent ? "" : " (request not sent)");
    return out;
  }
};

HttpTransport::HttpTransport(const config::HttpConfig& config, Logger logger)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = config;
  impl_->logger = std::move(logger);
  impl_->parse_url();
  impl_->load_auth();
  impl_->load_tls();
  if (!impl_->logger) return;
  if (impl_->https && config.tls.insecure_skip_verify)
    impl_->logger(LogLevel::warning,
                  impl_->endpoint +
                      ": tls.insecure_skip_verify is on: the server's certificate is not "
                      "verified, so anyone on the path can read and alter the logs");
  if (!impl_->https && !impl_->authorization.empty())
    impl_->logger(LogLevel::warning,
                  impl_->endpoint + ": credentials are sent over plain http (use https)");
}

HttpTransport::~HttpTransport() {
  impl_->session.reset();  // before the SSL library reference goes
}

const std::string& HttpTransport::endpoint() const {
  return impl_->endpoint;
}

PreparedRequest HttpTransport::prepare(const EncodedRequest& request) const {
  return prepare(EncodedRequest(request));
}

PreparedRequest HttpTransport::prepare(EncodedRequest&& request) const {
  PreparedRequest out;
  out.method = request.method;
  out.path_and_query = request.path_and_query;
  if (out.path_and_query.empty() || out.path_and_query.front() != '/')
    out.path_and_query.insert(0, "/");
  out.content_type = std::move(request.content_type);
  out.headers = std::move(request.headers);
  out.uncompressed_size = request.body.size();
  out.max_response_body = request.max_response_body;
  if (request.compress && impl_->config.gzip && !request.body.empty()) {
    out.body =
        gzip(request.body, static_cast<int>(std::clamp<uint64_t>(impl_->config.gzip_level, 1, 9)));
    out.content_encoding = "gzip";
  } else {
    out.body = std::move(request.body);
  }
  return out;
}

HttpResponse HttpTransport::send(const PreparedRequest& request) {
  impl_->refresh_auth();
  bool was_connected = false;
  HttpResponse response = impl_->attempt(request, was_connected);
  // A kept-alive connection the server closed while idle fails at once; one immediate
  // attempt on a fresh connection tells that apart from a backend that is really down.
  if (response.status == 0 && was_connected && !response.timed_out)
    response = impl_->attempt(request, was_connected);
  return response;
}

}  // namespace kj::exporters
