// Throwaway certificate authorities and certificates made with the openssl command at test
// time, for TLS tests that need a server the client can (or, with another CA, cannot) verify.
#pragma once

#include <filesystem>
#include <string>

namespace kjt {

struct TestCertificates {
  std::filesystem::path ca_cert;
  std::filesystem::path ca_key;
  std::filesystem::path server_cert;  // CN and subjectAltName localhost, 127.0.0.1
  std::filesystem::path server_key;
  std::filesystem::path client_cert;  // for mutual TLS
  std::filesystem::path client_key;
};

// Writes a CA and a server and client certificate signed by it into `dir` (which must
// exist), file names prefixed with `prefix`. Throws std::runtime_error with openssl's
// output when a command fails.
TestCertificates make_test_certificates(const std::filesystem::path& dir,
                                        const std::string& prefix = "");

}  // namespace kjt
