#include "exporters/http/http_transport.h"

#include <gtest/gtest.h>

#include <Poco/Base64Decoder.h>

#include <fstream>
#include <sstream>

#include "tests/support/clickhouse_server.h"
#include "tests/support/local_http_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_test_certs.h"

namespace kj::exporters {
namespace {

using kjt::CannedResponse;
using kjt::CapturedRequest;
using kjt::LocalHttpServer;

CannedResponse ok(const CapturedRequest&) {
  return {};
}

config::HttpConfig http_config(const std::string& url) {
  config::HttpConfig c;
  c.url = url;
  c.timeout = std::chrono::milliseconds(5000);
  return c;
}

EncodedRequest post(std::string body, std::string path = "/ingest") {
  EncodedRequest r;
  r.path_and_query = std::move(path);
  r.content_type = "application/x-ndjson";
  r.body = std::move(body);
  return r;
}

std::string decode_base64(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  return std::string(std::istreambuf_iterator<char>(decoder), {});
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

TEST(HttpTransportTest, GzipBodyWithContentLength) {
  LocalHttpServer server(ok);
  HttpTransport transport(http_config(server.url()));
  std::string body;
  for (int i = 0; i < 1000; ++i) body += "{\"message\":\"line " + std::to_string(i) + "\"}\n";
  auto prepared = transport.prepare(post(body));
  EXPECT_EQ(prepared.content_encoding, "gzip");
  EXPECT_LT(prepared.body.size(), body.size() / 4);
  auto response = transport.send(prepared);
  ASSERT_EQ(response.status, 200) << response.transport_error;
  auto seen = server.requests().at(0);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.uri, "/ingest");
  EXPECT_EQ(seen.header("Content-Encoding"), "gzip");
  EXPECT_EQ(seen.header("Content-Length"), std::to_string(prepared.body.size()));
  EXPECT_EQ(seen.header("Transfer-Encoding"), "");
  EXPECT_EQ(seen.header("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(seen.body, body);
}

TEST(HttpTransportTest, GzipLevelDecidesSizeAndEveryLevelDecodes) {
  LocalHttpServer server(ok);
  std::string body;
  for (int i = 0; i < 5000; ++i)
    body += "{\"message\":\"request " + std::to_string(i * 7919 % 10007) + " served in " +
            std::to_string(i % 97) + " ms\",\"unit\":\"kubelet.service\"}\n";
  auto fast_config = http_config(server.url());
  fast_config.gzip_level = 1;
  auto small_config = http_config(server.url());
  small_config.gzip_level = 9;
  HttpTransport fast(fast_config);
  HttpTransport small(small_config);
  const auto fast_body = fast.prepare(post(body));
  const auto small_body = small.prepare(post(body));
  EXPECT_LT(small_body.body.size(), fast_body.body.size());
  EXPECT_EQ(fast_body.uncompressed_size, body.size());
  ASSERT_EQ(fast.send(fast_body).status, 200);
  ASSERT_EQ(small.send(small_body).status, 200);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, body);
  EXPECT_EQ(seen[1].body, body);
}

TEST(HttpTransportTest, UncompressedWhenGzipIsOffOrNotWanted) {
  LocalHttpServer server(ok);
  auto config = http_config(server.url());
  config.gzip = false;
  HttpTransport plain(config);
  ASSERT_EQ(plain.send(post("abc")).status, 200);
  auto request = post("def");
  request.compress = false;
  HttpTransport gz(http_config(server.url()));
  ASSERT_EQ(gz.send(request).status, 200);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  for (const auto& r : seen) EXPECT_EQ(r.header("Content-Encoding"), "");
  EXPECT_EQ(seen[0].raw_body, "abc");
  EXPECT_EQ(seen[1].raw_body, "def");
}

TEST(HttpTransportTest, KeepsTheConnectionAlive) {
  LocalHttpServer server(ok);
  HttpTransport transport(http_config(server.url()));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(transport.send(post("x")).status, 200);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].client_address, seen[1].client_address);
  EXPECT_EQ(seen[1].client_address, seen[2].client_address);
}

TEST(HttpTransportTest, ReconnectsWhenTheServerClosesTheConnection) {
  LocalHttpServer server([](const CapturedRequest&) {
    CannedResponse r;
    r.headers = {{"Connection", "close"}};
    return r;
  });
  HttpTransport transport(http_config(server.url()));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(transport.send(post("x")).status, 200);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_NE(seen[0].client_address, seen[1].client_address);
}

TEST(HttpTransportTest, BasePathAndQuery) {
  LocalHttpServer server(ok);
  HttpTransport transport(http_config(server.url() + "/clickhouse/"));
  ASSERT_EQ(transport.send(post("x", "/?query=SELECT%201")).status, 200);
  EXPECT_EQ(server.requests().at(0).uri, "/clickhouse/?query=SELECT%201");
}

TEST(HttpTransportTest, StatusBodyAndHeadersOfTheAnswer) {
  LocalHttpServer server([](const CapturedRequest&) {
    CannedResponse r;
    r.status = 503;
    r.body = "busy";
    r.headers = {{"Retry-After", "3"}};
    return r;
  });
  HttpTransport transport(http_config(server.url()));
  auto response = transport.send(post("x"));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, "busy");
  bool found = false;
  for (const auto& [k, v] : response.headers) found |= (k == "Retry-After" && v == "3");
  EXPECT_TRUE(found);
}

TEST(HttpTransportTest, ResponseBodyIsCapped) {
  const std::string big(200 * 1024, 'x');
  LocalHttpServer server([&](const CapturedRequest&) {
    CannedResponse r;
    r.body = big;
    return r;
  });
  HttpTransport transport(http_config(server.url()));
  auto response = transport.send(post("x"));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.body.size(), HttpTransport::kMaxResponseBody);
  // The rest was drained: the connection is still usable.
  EXPECT_EQ(transport.send(post("y")).status, 200);
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(HttpTransportTest, ConnectionRefusedIsAConnectFailure) {
  const uint16_t port = kjt::free_local_port();  // nothing listens there any more
  HttpTransport transport(http_config("http://127.0.0.1:" + std::to_string(port)));
  auto response = transport.send(post("x"));
  EXPECT_EQ(response.status, 0);
  EXPECT_TRUE(response.connect_failed);
  EXPECT_FALSE(response.timed_out);
  EXPECT_NE(response.transport_error.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << response.transport_error;
}

TEST(HttpTransportTest, SlowServerTimesOut) {
  LocalHttpServer server([](const CapturedRequest&) {
    CannedResponse r;
    r.delay = std::chrono::milliseconds(1500);
    return r;
  });
  auto config = http_config(server.url());
  config.timeout = std::chrono::milliseconds(300);
  HttpTransport transport(config);
  const auto start = std::chrono::steady_clock::now();
  auto response = transport.send(post("x"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(response.status, 0);
  EXPECT_TRUE(response.timed_out) << response.transport_error;
  EXPECT_LT(elapsed, std::chrono::milliseconds(1200));
}

TEST(HttpTransportTest, BasicAuthPasswordFromFileWithoutTrailingNewline) {
  kjt::TempDir dir;
  write_file(dir / "password", "s3cret\n");
  LocalHttpServer server(ok);
  auto config = http_config(server.url());
  config.auth.basic_user = "kjournal";
  config.auth.basic_password_file = (dir / "password").string();
  config.auth.headers = {{"X-Scope-OrgID", "tenant-1"}};
  HttpTransport transport(config);
  ASSERT_EQ(transport.send(post("x")).status, 200);
  auto seen = server.requests().at(0);
  const auto auth = seen.header("Authorization");
  ASSERT_EQ(auth.rfind("Basic ", 0), 0u) << auth;
  EXPECT_EQ(decode_base64(auth.substr(6)), "kjournal:s3cret");
  EXPECT_EQ(seen.header("X-Scope-OrgID"), "tenant-1");
}

TEST(HttpTransportTest, BearerTokenFromFile) {
  kjt::TempDir dir;
  write_file(dir / "token", "abc.def.ghi\r\n");
  LocalHttpServer server(ok);
  auto config = http_config(server.url());
  config.auth.bearer_token_file = (dir / "token").string();
  HttpTransport transport(config);
  ASSERT_EQ(transport.send(post("x")).status, 200);
  EXPECT_EQ(server.requests().at(0).header("Authorization"), "Bearer abc.def.ghi");
}

TEST(HttpTransportTest, ApiKeyFromFile) {
  kjt::TempDir dir;
  write_file(dir / "api-key", "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==\n");
  LocalHttpServer server(ok);
  auto config = http_config(server.url());
  config.auth.api_key_file = (dir / "api-key").string();
  HttpTransport transport(config);
  ASSERT_EQ(transport.send(post("x")).status, 200);
  EXPECT_EQ(server.requests().at(0).header("Authorization"),
            "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==");
}

// Records what the transport logs, to check warnings and that no secret is ever in them.
struct LogCapture {
  std::vector<std::string> lines;
  Logger logger() {
    return [this](LogLevel level, std::string_view message) {
      lines.push_back(std::string(log_level_name(level)) + ": " + std::string(message));
    };
  }
  std::string all() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
};

TEST(HttpTransportTest, TokenFileIsReReadWhenItChanges) {
  kjt::TempDir dir;
  write_file(dir / "token", "first-token-1111");
  LocalHttpServer server(ok);
  auto config = http_config(server.url());
  config.auth.bearer_token_file = (dir / "token").string();
  LogCapture log;
  HttpTransport transport(config, log.logger());
  ASSERT_EQ(transport.send(post("a")).status, 200);
  // A different size, so the change is seen even within one mtime tick.
  write_file(dir / "token", "second-token-22222");
  ASSERT_EQ(transport.send(post("b")).status, 200);
  // Deleted (or unreadable) after a change: the last good token stays in use, with a warning
  // that names the file but not the secret.
  std::filesystem::remove(dir / "token");
  ASSERT_EQ(transport.send(post("c")).status, 200);
  ASSERT_EQ(transport.send(post("d")).status, 200);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].header("Authorization"), "Bearer first-token-1111");
  EXPECT_EQ(seen[1].header("Authorization"), "Bearer second-token-22222");
  EXPECT_EQ(seen[2].header("Authorization"), "Bearer second-token-22222");
  EXPECT_EQ(seen[3].header("Authorization"), "Bearer second-token-22222");
  const std::string logged = log.all();
  EXPECT_NE(logged.find("re-read"), std::string::npos) << logged;
  EXPECT_NE(logged.find((dir / "token").string()), std::string::npos) << logged;
  EXPECT_NE(logged.find("keeping the previous credentials"), std::string::npos) << logged;
  // The plain-http warning at start, then one line per change, not one per request.
  EXPECT_EQ(log.lines.size(), 3u) << logged;
  EXPECT_EQ(logged.find("token-"), std::string::npos) << "a secret was logged:\n" << logged;
}

TEST(HttpTransportTest, TokenSwappedThroughASymlinkIsReRead) {
  // Kubernetes projects service account tokens as <dir>/token -> ..data/token, and rotates
  // them by pointing ..data at a new directory in one rename.
  kjt::TempDir dir;
  std::filesystem::create_directory(dir / "v1");
  std::filesystem::create_directory(dir / "v2");
  write_file(dir / "v1" / "token", "token-v1");
  write_file(dir / "v2" / "token", "token-v2");
  std::filesystem::create_directory_symlink("v1", dir / "..data");
  std::filesystem::create_symlink("..data/token", dir / "token");
  LocalHttpServer server(ok);
  auto config = http_config(server.url());
  config.auth.bearer_token_file = (dir / "token").string();
  HttpTransport transport(config);
  ASSERT_EQ(transport.send(post("a")).status, 200);
  std::filesystem::create_directory_symlink("v2", dir / "..data_tmp");
  std::filesystem::rename(dir / "..data_tmp", dir / "..data");
  ASSERT_EQ(transport.send(post("b")).status, 200);
  auto seen = server.requests();
  EXPECT_EQ(seen.at(0).header("Authorization"), "Bearer token-v1");
  EXPECT_EQ(seen.at(1).header("Authorization"), "Bearer token-v2");
}

TEST(HttpTransportTest, CredentialsOverPlainHttpAreWarnedAbout) {
  kjt::TempDir dir;
  write_file(dir / "password", "pw-secret");
  auto config = http_config("http://127.0.0.1:1");
  config.auth.basic_user = "u";
  config.auth.basic_password_file = (dir / "password").string();
  LogCapture log;
  HttpTransport transport(config, log.logger());
  ASSERT_EQ(log.lines.size(), 1u) << log.all();
  EXPECT_NE(log.lines[0].find("plain http"), std::string::npos) << log.all();
  EXPECT_EQ(log.all().find("pw-secret"), std::string::npos);
}

TEST(HttpTransportTest, ConfigurationErrorsNameTheFile) {
  auto expect_error = [](const config::HttpConfig& c, const std::string& needle) {
    try {
      HttpTransport t(c);
      ADD_FAILURE() << "no error for " << needle;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  kjt::TempDir dir;
  write_file(dir / "empty", "\n");
  auto c = http_config("http://127.0.0.1:1");
  c.auth.basic_user = "u";
  c.auth.basic_password_file = (dir / "missing").string();
  expect_error(c, (dir / "missing").string());
  c.auth.basic_password_file = (dir / "empty").string();
  expect_error(c, "empty");
  c = http_config("https://127.0.0.1:1");
  c.tls.ca_file = (dir / "no-ca.pem").string();
  expect_error(c, "no-ca.pem");
  expect_error(http_config("ftp://host/"), "ftp://host/");
  expect_error(http_config("http:///nohost"), "no host");
  expect_error(http_config("http://h:1/?x=1"), "query");
  c = http_config("http://127.0.0.1:1");
  write_file(dir / "token", "t");
  c.auth.bearer_token_file = (dir / "token").string();
  c.auth.api_key_file = (dir / "token").string();
  expect_error(c, "mutually exclusive");
}

class HttpsTransportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new kjt::TempDir("kjt-tls");
    good_ = new kjt::TestCertificates(kjt::make_test_certificates(dir_->path(), "good-"));
    other_ = new kjt::TestCertificates(kjt::make_test_certificates(dir_->path(), "other-"));
  }
  static void TearDownTestSuite() {
    delete good_;
    delete other_;
    delete dir_;
  }
  static kjt::LocalTls server_tls(bool request_client_cert = false) {
    return {good_->server_cert, good_->server_key, good_->ca_cert, request_client_cert};
  }

  static inline kjt::TempDir* dir_ = nullptr;
  static inline kjt::TestCertificates* good_ = nullptr;
  static inline kjt::TestCertificates* other_ = nullptr;
};

TEST_F(HttpsTransportTest, VerifiesAgainstTheConfiguredCa) {
  LocalHttpServer server(ok, server_tls());
  auto config = http_config(server.url());
  config.tls.ca_file = good_->ca_cert.string();
  HttpTransport transport(config);
  auto response = transport.send(post("secret"));
  ASSERT_EQ(response.status, 200) << response.transport_error;
  EXPECT_EQ(server.requests().at(0).body, "secret");
}

TEST_F(HttpsTransportTest, WrongCaFails) {
  LocalHttpServer server(ok, server_tls());
  auto config = http_config(server.url());
  config.tls.ca_file = other_->ca_cert.string();
  HttpTransport transport(config);
  auto response = transport.send(post("secret"));
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.transport_error.empty());
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpsTransportTest, SystemStoreDoesNotTrustATestCa) {
  LocalHttpServer server(ok, server_tls());
  HttpTransport transport(http_config(server.url()));
  EXPECT_EQ(transport.send(post("x")).status, 0);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpsTransportTest, InsecureSkipVerifyAcceptsAnyCertificateWithAWarning) {
  LocalHttpServer server(ok, server_tls());
  auto config = http_config(server.url());
  config.tls.ca_file = other_->ca_cert.string();
  config.tls.insecure_skip_verify = true;
  LogCapture log;
  HttpTransport transport(config, log.logger());
  EXPECT_EQ(transport.send(post("x")).status, 200);
  ASSERT_EQ(log.lines.size(), 1u) << log.all();
  EXPECT_EQ(log.lines[0].rfind("warning: ", 0), 0u) << log.all();
  EXPECT_NE(log.lines[0].find("insecure_skip_verify"), std::string::npos) << log.all();
}

TEST_F(HttpsTransportTest, ServerNameNotInTheCertificateFails) {
  // The certificate is for localhost and 127.0.0.1; a name it does not carry must fail even
  // though the CA is trusted, and nothing may reach the server.
  LocalHttpServer server(ok, server_tls());
  auto config = http_config(server.url());
  config.tls.ca_file = good_->ca_cert.string();
  config.tls.server_name = "logs.example.org";
  HttpTransport transport(config);
  auto response = transport.send(post("secret"));
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.transport_error.empty());
  EXPECT_EQ(server.request_count(), 0u);
  // The same CA with the right name works, so the failure above was the name.
  config.tls.server_name = "localhost";
  HttpTransport right(config);
  EXPECT_EQ(right.send(post("x")).status, 200) << right.send(post("x")).transport_error;
}

TEST_F(HttpsTransportTest, ClientCertificateForMutualTls) {
  LocalHttpServer server(ok, server_tls(/*request_client_cert=*/true));
  auto config = http_config(server.url());
  config.tls.ca_file = good_->ca_cert.string();
  {
    HttpTransport without(config);
    ASSERT_EQ(without.send(post("x")).status, 200);
  }
  config.tls.cert_file = good_->client_cert.string();
  config.tls.key_file = good_->client_key.string();
  HttpTransport with(config);
  auto response = with.send(post("x"));
  ASSERT_EQ(response.status, 200) << response.transport_error;
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].client_cert_subject, "");
  EXPECT_NE(seen[1].client_cert_subject.find("kjournal-client"), std::string::npos)
      << seen[1].client_cert_subject;
}

TEST_F(HttpsTransportTest, ClientCertificateFromAnotherCaIsRefused) {
  LocalHttpServer server(ok, server_tls(/*request_client_cert=*/true));
  auto config = http_config(server.url());
  config.tls.ca_file = good_->ca_cert.string();
  config.tls.cert_file = other_->client_cert.string();
  config.tls.key_file = other_->client_key.string();
  HttpTransport transport(config);
  EXPECT_EQ(transport.send(post("x")).status, 0);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(HttpsTransportTest, KeepAliveOverTls) {
  LocalHttpServer server(ok, server_tls());
  auto config = http_config(server.url());
  config.tls.ca_file = good_->ca_cert.string();
  HttpTransport transport(config);
  ASSERT_EQ(transport.send(post("a")).status, 200);
  ASSERT_EQ(transport.send(post("b")).status, 200);
  auto seen = server.requests();
  EXPECT_EQ(seen[0].client_address, seen[1].client_address);
}

}  // namespace
}  // namespace kj::exporters
