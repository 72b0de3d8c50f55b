// A private directory for one test, removed with everything in it when the test ends.
#pragma once

#include <filesystem>
#include <string_view>

namespace kjt {

class TempDir {
 public:
  // Created under $TMPDIR (default /tmp) as <prefix>-XXXXXX, mode 0700.
  explicit TempDir(std::string_view prefix = "kjt");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  // Lets another user (the permission tests' `nobody`) traverse into the directory.
  void allow_others_to_enter() const;

 private:
  std::filesystem::path path_;
};

}  // namespace kjt
