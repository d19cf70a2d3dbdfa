#pragma once
// Data files compiled into the binary (see cmake/Embed.cmake).
#include <string>
#include <vector>

namespace vp {
struct EmbeddedFile {
  std::string name;      // file name, e.g. "mpaimc-512.yaml"
  std::string contents;
};
const std::vector<EmbeddedFile>& embedded_schema();
const std::vector<EmbeddedFile>& embedded_platforms();
}  // namespace vp
