#pragma once
// The platform schema: every key a platform file may hold, its type, range,
// default and documentation. Built from the YAML files of platform/schema/.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace vp {

enum class FieldType { Int, Float, Bool, String, Enum, Size, List, Map };
const char* to_string(FieldType t);

struct Field {
  std::string name;
  std::string path;  // dotted, e.g. "cluster.l1.banks"
  FieldType type = FieldType::Map;
  std::string doc;
  std::string unit;
  YAML::Node default_value;  // meaningful only when has_default
  bool has_default = false;
  std::optional<double> min, max;
  std::optional<size_t> min_len, max_len;
  std::vector<std::string> values;  // enum words
  FieldType item = FieldType::Int;  // list item type
  std::vector<std::unique_ptr<Field>> fields;  // map children, in declaration order
  // A map of named entries (`entries: true`): the file chooses the keys (e.g.
  // class names) and each entry's value is checked against `fields`, whose
  // keys are all optional there (an entry overrides only what it sets).
  bool entries = false;

  bool required() const { return !has_default && type != FieldType::Map; }
  const Field* child(const std::string& key) const;
  std::vector<std::string> child_names() const;
};

class Schema {
 public:
  // The schema compiled into the binary.
  static const Schema& builtin();
  // Builds a schema from YAML documents (each a map of top-level keys).
  static Schema from_documents(const std::vector<std::pair<std::string, std::string>>& docs);

  const Field& root() const { return *root_; }
  // Field at a dotted path, or nullptr; list items are not addressed here.
  const Field* find(const std::string& path) const;

 private:
  std::unique_ptr<Field> root_;
};

}  // namespace vp
