#pragma once
// A configuration error that knows where it comes from: a file, line and
// column, or a command-line override, and the key path it concerns.
#include <stdexcept>
#include <string>

namespace vp {

struct SourceLocation {
  std::string origin;  // file name, or "--set key=value"
  int line = 0;        // 1-based; 0 when unknown (e.g. an override)
  int column = 0;      // 1-based
  std::string str() const;
};

class ConfigError : public std::runtime_error {
 public:
  ConfigError(SourceLocation where, std::string path, const std::string& what);
  const SourceLocation& where() const { return where_; }
  const std::string& path() const { return path_; }

 private:
  SourceLocation where_;
  std::string path_;
};

}  // namespace vp
