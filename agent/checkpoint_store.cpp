#include "agent/checkpoint_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace kj::agent {

namespace {

constexpr int kFormatVersion = 1;

std::runtime_error io_error(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " " + path + ": " + strerror(errno));
}

void write_all(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw io_error("cannot write checkpoint", path);
    }
    done += static_cast<size_t>(n);
  }
}

void fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw io_error("cannot open state directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw io_error("cannot fsync state directory", dir);
}

// Source names come from the config; keep file names predictable and inside the directory.
std::string file_name_for(const std::string& source) {
  std::string out;
  for (char c : source) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out + ".checkpoint.json";
}

Checkpoint decode(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("not a JSON object");
  if (j.value("version", 0) != kFormatVersion)
    throw std::invalid_argument("unsupported version " +
                                j.value("version", nlohmann::json()).dump());
  Checkpoint cp;
  if (j.contains("journal_cursor")) cp.journal_cursor = j.at("journal_cursor").get<std::string>();
  if (j.contains("files")) {
    for (const auto& f : j.at("files")) {
      file::FilePosition p;
      p.path = f.at("path").get<std::string>();
      p.device = f.at("device").get<uint64_t>();
      p.inode = f.at("inode").get<uint64_t>();
      p.fingerprint = f.at("fingerprint").get<uint64_t>();
      p.fingerprint_length = f.at("fingerprint_length").get<uint32_t>();
      p.offset = f.at("offset").get<uint64_t>();
      cp.files.push_back(std::move(p));
    }
  }
  return cp;
}

}  // namespace

CheckpointStore::CheckpointStore(std::string state_dir) : dir_(std::move(state_dir)) {
  if (dir_.empty()) throw std::runtime_error("state directory is empty");
  // Parents too: a fresh node may not have /var/lib/kjournal's parent either in a container.
  for (size_t pos = 1;; ++pos) {
    pos = dir_.find('/', pos);
    const std::string prefix = dir_.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0750) != 0 && errno != EEXIST)
      throw io_error("cannot create state directory", prefix);
    if (pos == std::string::npos) break;
  }
  if (::access(dir_.c_str(), W_OK | X_OK) != 0)
    throw io_error("state directory is not writable:", dir_);
}

std::string CheckpointStore::path_for(const std::string& source_name) const {
  return dir_ + "/" + file_name_for(source_name);
}

CheckpointStore::LoadResult CheckpointStore::load(const std::string& source_name) {
  LoadResult result;
  const std::string path = path_for(source_name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return result;
    throw io_error("cannot read checkpoint", path);
  }
  std::stringstream buf;
  buf << in.rdbuf();
  try {
    const auto j = nlohmann::json::parse(buf.str());
    result.checkpoint = decode(j);
    result.status = LoadStatus::loaded;
    return result;
  } catch (const std::exception& e) {
    result.status = LoadStatus::corrupt;
    result.error = path + ": " + e.what();
  }
  result.moved_to = path + ".corrupt-" + std::to_string(::time(nullptr));
  if (::rename(path.c_str(), result.moved_to.c_str()) != 0)
    throw io_error("cannot move corrupt checkpoint aside:", path);
  return result;
}

void CheckpointStore::save(const std::string& source_name, const Checkpoint& checkpoint) {
  nlohmann::json j;
  j["version"] = kFormatVersion;
  j["source"] = source_name;
  if (!checkpoint.journal_cursor.empty()) j["journal_cursor"] = checkpoint.journal_cursor;
  if (!checkpoint.files.empty()) {
    auto& files = j["files"] = nlohmann::json::array();
    for (const auto& p : checkpoint.files)
      files.push_back({{"path", p.path},
                       {"device", p.device},
                       {"inode", p.inode},
                       {"fingerprint", p.fingerprint},
                       {"fingerprint_length", p.fingerprint_length},
                       {"offset", p.offset}});
  }
  const std::string data = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::string path = path_for(source_name);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) throw io_error("cannot create checkpoint", tmp);
  try {
    write_all(fd, data, tmp);
    if (::fsync(fd) != 0) throw io_error("cannot fsync checkpoint", tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw io_error("cannot rename checkpoint", tmp);
  fsync_dir(dir_);
}

}  // namespace kj::agent
