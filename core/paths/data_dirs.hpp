#pragma once
// Where the tools find their data files: the built-in networks, the built
// firmware, the plotting scripts. An installed tree (cmake --install, the
// .deb) keeps them in <prefix>/share/mpaimc-vp/, found from the running
// executable (<prefix>/bin/..); a build tree uses its source and binary trees.
#include <string>

namespace vp {

// "networks", "firmware" or "scripts"; throws std::invalid_argument for another name.
std::string data_dir(const std::string& what);

}  // namespace vp
