#include "paths/data_dirs.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace vp {

namespace fs = std::filesystem;

namespace {

// <prefix>/share/mpaimc-vp of the installed tree this executable belongs to, or empty.
fs::path installed_share() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const fs::path share = exe.parent_path().parent_path() / "share" / "mpaimc-vp";
  return fs::is_directory(share / "networks", ec) ? share : fs::path();
}

}  // namespace

std::string data_dir(const std::string& what) {
  static const fs::path share = installed_share();
  if (what != "networks" && what != "firmware" && what != "scripts")
    throw std::invalid_argument("data_dir: no data folder '" + what + "'");
  if (!share.empty()) return (share / what).string();
  if (what == "networks") return VP_BUILD_NETWORKS_DIR;
  if (what == "firmware") return VP_BUILD_FIRMWARE_DIR;
  return VP_BUILD_SCRIPTS_DIR;
}

}  // namespace vp
