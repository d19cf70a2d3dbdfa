#pragma once
// A validated platform description: the platform YAML file, with command-line
// overrides applied, checked against the schema, defaults filled in.
// Models read their parameters from here by dotted path at elaboration.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "config/errors.hpp"
#include "config/schema.hpp"

namespace vp {

class Config {
 public:
  // `source` is a path to a YAML file or the name of a built-in platform
  // (e.g. "mpaimc-512"). `overrides` are "dotted.path=value" strings.
  static Config load(const std::string& source, const std::vector<std::string>& overrides = {});
  // Same from text; `origin` names it in error messages.
  static Config from_string(const std::string& text, const std::string& origin,
                            const std::vector<std::string>& overrides = {});
  static std::vector<std::string> builtin_names();
  // A copy sharing nothing with this one. Copies share the YAML document, and
  // yaml-cpp's reads through non-const nodes (every getter's walk) can add
  // nodes to it: a Config read on another thread is a clone.
  Config clone() const;
  static const std::string& default_platform();  // "mpaimc-512"

  int64_t get_int(const std::string& path) const;
  double get_float(const std::string& path) const;  // int keys read as float too
  bool get_bool(const std::string& path) const;
  std::string get_string(const std::string& path) const;  // string and enum keys
  uint64_t get_size(const std::string& path) const;
  std::vector<int64_t> get_int_list(const std::string& path) const;
  std::vector<double> get_float_list(const std::string& path) const;
  std::vector<std::string> get_string_list(const std::string& path) const;
  // Whether the file (or a default) gives `path`: keys inside an entries map are optional.
  bool has(const std::string& path) const;
  // The entry names of an entries map (e.g. cluster_classes), in file order.
  std::vector<std::string> entry_names(const std::string& path) const;

  // Where a key's value came from (file:line:column or the --set override).
  SourceLocation location(const std::string& path) const;
  // Throws a ConfigError located at `path`: for models' own consistency checks.
  [[noreturn]] void fail(const std::string& path, const std::string& message) const;
  // A rule on several keys: located at the first of them a --set changed,
  // else at the first.
  [[noreturn]] void fail_any(const std::vector<std::string>& paths, const std::string& message) const;

  nlohmann::json to_json() const;      // the resolved platform, typed
  std::string to_yaml() const;         // the resolved platform as YAML
  const std::string& origin() const { return origin_; }
  const YAML::Node& root() const { return root_; }

 private:
  friend class Validator;
  const YAML::Node node(const std::string& path, FieldType expect) const;
  YAML::Node root_;
  std::string origin_;
  std::map<std::string, SourceLocation> locations_;
  std::map<std::string, std::string> overridden_;  // key path -> "--set ..." that set it
};

// The whole of an input file (platform, network): ConfigError at `path` when
// it is missing, unreadable or a directory, saying which; `what` names it.
std::string read_input_file(const std::string& path, const std::string& what);

// Applies "a.b.2.c=value" overrides onto a document; records their origin.
// A list the file leaves out starts from its schema default, so that
// "noc.latency_cycles.0=200" works on any file.
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides,
                     std::map<std::string, std::string>& overridden_paths, const Schema& schema);

// Markdown reference of every key, generated from the schema.
std::string schema_reference_markdown(const Schema& schema);

}  // namespace vp
