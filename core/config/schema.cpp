#include "config/schema.hpp"

#include <fmt/format.h>

#include "config/embedded.hpp"

namespace vp {

const char* to_string(FieldType t) {
  switch (t) {
    case FieldType::Int: return "int";
    case FieldType::Float: return "float";
    case FieldType::Bool: return "bool";
    case FieldType::String: return "string";
    case FieldType::Enum: return "enum";
    case FieldType::Size: return "size";
    case FieldType::List: return "list";
    case FieldType::Map: return "map";
  }
  return "?";
}

static FieldType parse_type(const std::string& s, const std::string& where) {
  static const std::map<std::string, FieldType> names = {
      {"int", FieldType::Int},     {"float", FieldType::Float}, {"bool", FieldType::Bool},
      {"string", FieldType::String}, {"enum", FieldType::Enum}, {"size", FieldType::Size},
      {"list", FieldType::List},   {"map", FieldType::Map}};
  auto it = names.find(s);
  if (it == names.end()) throw std::logic_error(fmt::format("schema {}: unknown type '{}'", where, s));
  return it->second;
}

const Field* Field::child(const std::string& key) const {
  for (const auto& f : fields)
    if (f->name == key) return f.get();
  return nullptr;
}

std::vector<std::string> Field::child_names() const {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(f->name);
  return out;
}

static std::unique_ptr<Field> parse_field(const std::string& name, const std::string& path,
                                          const YAML::Node& n) {
  static const std::vector<std::string> known = {"type", "doc", "default", "min", "max", "values",
                                                 "item", "min_len", "max_len", "unit", "fields", "entries"};
  if (!n.IsMap()) throw std::logic_error("schema: " + path + " is not a map");
  for (const auto& kv : n) {
    auto k = kv.first.as<std::string>();
    if (std::find(known.begin(), known.end(), k) == known.end())
      throw std::logic_error("schema: " + path + ": unknown attribute '" + k + "'");
  }
  auto f = std::make_unique<Field>();
  f->name = name;
  f->path = path;
  if (!n["type"] || !n["doc"]) throw std::logic_error("schema: " + path + " needs type and doc");
  f->type = parse_type(n["type"].as<std::string>(), path);
  f->doc = n["doc"].as<std::string>();
  if (n["unit"]) f->unit = n["unit"].as<std::string>();
  if (n["default"]) f->default_value = YAML::Clone(n["default"]), f->has_default = true;
  auto number = [&](const char* key) {
    const std::string& t = n[key].Scalar();
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) return double(std::stoll(t.substr(2), nullptr, 16));
    return n[key].as<double>();
  };
  if (n["min"]) f->min = number("min");
  if (n["max"]) f->max = number("max");
  if (n["min_len"]) f->min_len = n["min_len"].as<size_t>();
  if (n["max_len"]) f->max_len = n["max_len"].as<size_t>();
  if (n["values"]) f->values = n["values"].as<std::vector<std::string>>();
  if (n["item"]) f->item = parse_type(n["item"].as<std::string>(), path);
  if (f->type == FieldType::Enum && f->values.empty())
    throw std::logic_error("schema: enum " + path + " has no values");
  if (n["entries"]) f->entries = n["entries"].as<bool>();
  if (f->entries && f->type != FieldType::Map) throw std::logic_error("schema: " + path + ": entries on a non-map");
  if (f->type == FieldType::Map) {
    if (!n["fields"]) throw std::logic_error("schema: map " + path + " has no fields");
    // An entry's keys are shown under a placeholder: cluster_classes.<name>.cores.
    const std::string base = f->entries ? path + ".<name>" : path;
    for (const auto& kv : n["fields"]) {
      auto k = kv.first.as<std::string>();
      f->fields.push_back(parse_field(k, base + "." + k, kv.second));
    }
  }
  return f;
}

// A section may be declared in several files (each IP its own keys of
// `cluster:`); maps merge, a leaf declared twice is an error.
static void merge_into(Field& parent, std::unique_ptr<Field> f, const std::string& file) {
  Field* existing = nullptr;
  for (auto& c : parent.fields)
    if (c->name == f->name) existing = c.get();
  if (!existing) {
    parent.fields.push_back(std::move(f));
    return;
  }
  if (existing->type != FieldType::Map || f->type != FieldType::Map || existing->entries != f->entries)
    throw std::logic_error("schema: " + f->path + " declared twice (" + file + ")");
  for (auto& c : f->fields) merge_into(*existing, std::move(c), file);
}

Schema Schema::from_documents(const std::vector<std::pair<std::string, std::string>>& docs) {
  Schema s;
  s.root_ = std::make_unique<Field>();
  s.root_->type = FieldType::Map;
  s.root_->doc = "A platform file.";
  for (const auto& [name, text] : docs) {
    YAML::Node doc = YAML::Load(text);
    if (doc.IsNull()) continue;
    for (const auto& kv : doc) {
      auto k = kv.first.as<std::string>();
      merge_into(*s.root_, parse_field(k, k, kv.second), name);
    }
  }
  return s;
}

const Schema& Schema::builtin() {
  static const Schema s = [] {
    std::vector<std::pair<std::string, std::string>> docs;
    // top.yaml first so the reference page opens with the top-level keys.
    for (const auto& f : embedded_schema())
      if (f.name == "top.yaml") docs.emplace_back(f.name, f.contents);
    for (const auto& f : embedded_schema())
      if (f.name != "top.yaml") docs.emplace_back(f.name, f.contents);
    return from_documents(docs);
  }();
  return s;
}

const Field* Schema::find(const std::string& path) const {
  const Field* f = root_.get();
  size_t pos = 0;
  bool entry_name = false;  // the next component names an entry of an entries map
  while (f && pos <= path.size()) {
    size_t dot = path.find('.', pos);
    std::string key = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (entry_name)
      entry_name = false;
    else
      f = f->child(key), entry_name = f && f->entries;
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return f;
}

}  // namespace vp
