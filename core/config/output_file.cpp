#include "config/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace vp {

namespace {

std::string why(int err) { return std::strerror(err); }

// mkstemp makes 0600 files; outputs get the usual 0666 & ~umask.
mode_t file_mode() {
  static const mode_t mode = [] {
    const mode_t m = umask(022);
    umask(m);
    return mode_t(0666 & ~m);
  }();
  return mode;
}

// Same file: same inode when both exist, else the same normalised path.
bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  if (stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  std::error_code ea, eb;
  const auto ca = fs::weakly_canonical(a, ea), cb = fs::weakly_canonical(b, eb);
  return !ea && !eb && ca == cb;
}

std::string dir_of(const std::string& path) {
  const fs::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

}  // namespace

std::string output_target(const std::string& path) {
  if (path.empty()) throw OutputError("an output file name is empty");
  std::string p = path;
  // Follow a chain of links (bounded: a loop is an error).
  for (int hops = 0;; ++hops) {
    struct stat st {};
    if (lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) break;
    if (hops == 40) throw OutputError(fmt::format("{}: too many levels of symbolic links", path));
    std::error_code ec;
    const fs::path link = fs::read_symlink(p, ec);
    if (ec) throw OutputError(fmt::format("{}: cannot read the symbolic link: {}", path, ec.message()));
    p = link.is_absolute() ? link.string() : (fs::path(dir_of(p)) / link).string();
  }
  struct stat st {};
  if (stat(p.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw OutputError(fmt::format("{}: {} is not a regular file (outputs are whole files written atomically)", path,
                                  S_ISDIR(st.st_mode) ? "a directory" : p == path ? "it" : p));
  return p;
}

AtomicOutput::AtomicOutput(const std::string& path) : path_(path), target_(output_target(path)) {
  // Hidden, unique, and ending in the target's extension (a tool such as
  // matplotlib picks the format by it).
  const fs::path t(target_);
  const std::string ext = t.extension().string();
  std::string tmpl = (fs::path(dir_of(target_)) / ("." + t.stem().string() + ".tmp-XXXXXX" + ext)).string();
  fd_ = mkstemps(tmpl.data(), int(ext.size()));
  if (fd_ < 0) throw OutputError(fmt::format("cannot write {}: {}", path_, why(errno)));
  temp_ = tmpl;
  fchmod(fd_, file_mode());
}

AtomicOutput::~AtomicOutput() {
  if (fd_ >= 0) close(fd_);
  if (!committed_ && !temp_.empty()) unlink(temp_.c_str());
}

void AtomicOutput::write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw OutputError(fmt::format("cannot write {}: {}", path_, why(n < 0 ? errno : ENOSPC)));
    data.remove_prefix(size_t(n));
  }
}

void AtomicOutput::commit() {
  if (fsync(fd_) != 0) throw OutputError(fmt::format("cannot write {}: {}", path_, why(errno)));
  const int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) throw OutputError(fmt::format("cannot write {}: {}", path_, why(errno)));
  // An external tool may have written the temporary: it must be there and regular.
  struct stat st {};
  if (stat(temp_.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw OutputError(fmt::format("cannot write {}: the temporary {} is gone", path_, temp_));
  if (std::rename(temp_.c_str(), target_.c_str()) != 0)
    throw OutputError(fmt::format("cannot write {}: {}", path_, why(errno)));
  committed_ = true;
  const int dfd = open(dir_of(target_).c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) fsync(dfd), close(dfd);
}

void write_output(const std::string& path, std::string_view data) {
  AtomicOutput out(path);
  out.write(data);
  out.commit();
}

void OutputPlan::input(const std::string& what, const std::string& path) {
  if (!path.empty()) inputs_.emplace_back(what, path);
}

void OutputPlan::output(const std::string& what, const std::string& path) {
  if (!path.empty()) outputs_.emplace_back(what, path);
}

void OutputPlan::check() const {
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const auto& [what, path] = outputs_[i];
    const std::string target = output_target(path);  // refuses directories and devices
    // Only an input that exists can be overwritten (a built-in platform's
    // name is not a file).
    for (const auto& [iw, ip] : inputs_)
      if (access(ip.c_str(), F_OK) == 0 && same_file(target, ip))
        throw OutputError(fmt::format("{} {}: this is the input of {}; refusing to overwrite it", what, path, iw));
    for (size_t j = 0; j < i; ++j)
      if (same_file(target, output_target(outputs_[j].second)))
        throw OutputError(fmt::format("{} {}: the same file as {} {}; give each output its own file", what, path,
                                      outputs_[j].first, outputs_[j].second));
    // The temporary is made in the target's directory: it must be writable.
    const std::string dir = dir_of(target);
    struct stat st {};
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw OutputError(fmt::format("{} {}: no directory {}", what, path, dir));
    if (access(dir.c_str(), W_OK) != 0)
      throw OutputError(fmt::format("{} {}: cannot write in {}: {}", what, path, dir, why(errno)));
  }
}

}  // namespace vp
