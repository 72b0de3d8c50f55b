#include "tests/support/tls_test_certs.h"

#include <fstream>
#include <stdexcept>
#include <vector>

#include "tests/support/process.h"

namespace kjt {
namespace {

void openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run(argv);
  if (result.exit_code() != 0) throw std::runtime_error("openssl failed: " + result.describe());
}

// EC keys: generating them is instant, unlike RSA.
void signed_certificate(const TestCertificates& ca, const std::filesystem::path& dir,
                        const std::string& base, const std::string& cn, const std::string& ext,
                        std::filesystem::path& cert, std::filesystem::path& key) {
  key = dir / (base + ".key");
  cert = dir / (base + ".pem");
  const auto csr = dir / (base + ".csr");
  const auto ext_file = dir / (base + ".ext");
  std::ofstream(ext_file) << ext << "\n";
  openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", key.string(), "-out", csr.string(), "-subj", "/CN=" + cn});
  openssl({"x509", "-req", "-in", csr.string(), "-CA", ca.ca_cert.string(), "-CAkey",
           ca.ca_key.string(), "-CAcreateserial", "-out", cert.string(), "-days", "2", "-extfile",
           ext_file.string()});
}

}  // namespace

TestCertificates make_test_certificates(const std::filesystem::path& dir,
                                        const std::string& prefix) {
  TestCertificates c;
  c.ca_key = dir / (prefix + "ca.key");
  c.ca_cert = dir / (prefix + "ca.pem");
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", c.ca_key.string(), "-out", c.ca_cert.string(), "-days", "2", "-subj",
           "/CN=kjournal test CA " + prefix});
  signed_certificate(c, dir, prefix + "server", "localhost",
                     "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth",
                     c.server_cert, c.server_key);
  signed_certificate(c, dir, prefix + "client", "kjournal-client", "extendedKeyUsage=clientAuth",
                     c.client_cert, c.client_key);
  return c;
}

}  // namespace kjt
