#include "config/config.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "config/checked.hpp"
#include "config/cluster_classes.hpp"
#include "config/embedded.hpp"
#include "config/suggest.hpp"

namespace vp {

std::string SourceLocation::str() const {
  if (line <= 0) return origin;
  return fmt::format("{}:{}:{}", origin, line, column);
}

ConfigError::ConfigError(SourceLocation where, std::string path, const std::string& what)
    : std::runtime_error(fmt::format("{}: error: {}{}", where.str(),
                                     path.empty() ? "" : path + ": ", what)),
      where_(std::move(where)),
      path_(std::move(path)) {}

// Walks a document against the schema, producing the resolved tree.
class Validator {
 public:
  Validator(std::string origin, const std::map<std::string, std::string>& overridden, Config& out)
      : origin_(std::move(origin)), overridden_(overridden), out_(out) {}

  // `partial`: inside an entry of an entries map, where absent keys stay
  // absent (the entry overrides only what it sets).
  YAML::Node map(const Field& f, const YAML::Node& n, const std::string& path,
                 const SourceLocation& parent_loc, bool partial = false, bool entry = false) {
    SourceLocation loc = n ? at(n, path) : parent_loc;
    if (n && !n.IsNull() && !n.IsMap())
      throw ConfigError(loc, show(path), fmt::format("expected a map of keys, found {}", kind(n)));
    YAML::Node out(YAML::NodeType::Map);
    std::set<std::string> seen;
    if (f.entries && !entry) {  // the names; each entry's value is then a map of f's fields
      if (n && n.IsMap())
        for (const auto& kv : n) {
          auto key = kv.first.Scalar();
          std::string kpath = path + "." + key;
          if (!seen.insert(key).second) throw ConfigError(at(kv.first, kpath), kpath, "duplicate key");
          if (key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                                 std::string::npos)
            throw ConfigError(at(kv.first, kpath), kpath, "a name here is letters, digits, '_' and '-'");
          out[key] = map(f, kv.second, kpath, at(kv.first, kpath), true, true);
          out_.locations_[kpath] = at(kv.first, kpath);
        }
      out_.locations_[path] = loc;
      return out;
    }
    if (n && n.IsMap()) {
      for (const auto& kv : n) {
        auto key = kv.first.Scalar();
        std::string kpath = path.empty() ? key : path + "." + key;
        if (!seen.insert(key).second) throw ConfigError(at(kv.first, kpath), kpath, "duplicate key");
        if (!f.child(key)) {
          auto names = f.child_names();
          std::string hint = closest_match(key, names);
          std::string msg = "unknown key";
          if (!hint.empty())
            msg += fmt::format(" (did you mean '{}'?)", hint);
          else
            msg += fmt::format(" (known here: {})", fmt::join(names, ", "));
          throw ConfigError(at(kv.first, kpath), kpath, msg);
        }
      }
    }
    for (const auto& c : f.fields) {
      std::string cpath = path.empty() ? c->name : path + "." + c->name;
      // Copy-construct: yaml-cpp's operator= copies contents, and a missing key is invalid.
      const YAML::Node cn = (n && n.IsMap()) ? n[c->name] : YAML::Node();
      if (partial && (!cn || cn.IsNull())) continue;
      out[c->name] = partial && c->type == FieldType::Map ? map(*c, cn, cpath, loc, true) : value(*c, cn, cpath, loc);
    }
    out_.locations_[path] = loc;
    return out;
  }

  YAML::Node value(const Field& f, const YAML::Node& n, const std::string& path,
                   const SourceLocation& parent_loc) {
    if (f.type == FieldType::Map) return map(f, n, path, parent_loc);
    if (n && !n.IsNull()) out_.locations_[path] = at(n, path);
    if (!n || n.IsNull()) {
      if (!f.has_default)
        throw ConfigError(parent_loc, path, fmt::format("missing required key ({}: {})", to_string(f.type), f.doc));
      // Defaults go through the same conversion (e.g. "64MiB" -> bytes).
      SourceLocation dloc{"default of " + path, 0, 0};
      out_.locations_[path] = dloc;
      return convert(f, f.default_value, path, dloc);
    }
    return convert(f, n, path, at(n, path));
  }

  YAML::Node convert(const Field& f, const YAML::Node& n, const std::string& path, const SourceLocation& loc) {
    if (f.type == FieldType::List) {
      if (!n.IsSequence())
        throw ConfigError(loc, path, fmt::format("expected a list of {}, found {}", to_string(f.item), kind(n)));
      if (f.min_len && n.size() < *f.min_len)
        throw ConfigError(loc, path, fmt::format("needs at least {} items, has {}", *f.min_len, n.size()));
      if (f.max_len && n.size() > *f.max_len)
        throw ConfigError(loc, path, fmt::format("takes at most {} items, has {}", *f.max_len, n.size()));
      YAML::Node out(YAML::NodeType::Sequence);
      for (size_t i = 0; i < n.size(); ++i) {
        std::string ipath = fmt::format("{}.{}", path, i);
        SourceLocation iloc = at(n[i], ipath);
        out_.locations_[ipath] = iloc;
        out.push_back(scalar(f, f.item, n[i], ipath, iloc));
      }
      return out;
    }
    return scalar(f, f.type, n, path, loc);
  }

  YAML::Node scalar(const Field& f, FieldType t, const YAML::Node& n, const std::string& path,
                    const SourceLocation& loc) {
    if (!n.IsScalar())
      throw ConfigError(loc, show(path), fmt::format("expected {}, found {}", expected(f, t), kind(n)));
    const std::string& s = n.Scalar();
    switch (t) {
      case FieldType::Int: {
        int64_t v;
        if (!parse_int(s, v)) throw ConfigError(loc, show(path), fmt::format("expected an integer, found '{}'", s));
        range(f, double(v), s, path, loc);
        return YAML::Node(v);
      }
      case FieldType::Size: {
        int64_t v;
        if (!parse_size(s, v))
          throw ConfigError(loc, show(path), fmt::format("expected a size in bytes (e.g. 4096, 1MiB, 1.5GiB), found '{}'", s));
        range(f, double(v), s, path, loc);
        return YAML::Node(v);
      }
      case FieldType::Float: {
        double v;
        if (!parse_float(s, v)) throw ConfigError(loc, show(path), fmt::format("expected a number, found '{}'", s));
        range(f, v, s, path, loc);
        return YAML::Node(v);
      }
      case FieldType::Bool: {
        bool v;
        if (!YAML::convert<bool>::decode(n, v))
          throw ConfigError(loc, show(path), fmt::format("expected true or false, found '{}'", s));
        return YAML::Node(v);
      }
      case FieldType::Enum: {
        if (std::find(f.values.begin(), f.values.end(), s) == f.values.end()) {
          std::string hint = closest_match(s, f.values);
          throw ConfigError(loc, show(path),
                            fmt::format("'{}' is not one of: {}{}", s, fmt::join(f.values, ", "),
                                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
        }
        return YAML::Node(s);
      }
      case FieldType::String: return YAML::Node(s);
      default: break;
    }
    throw std::logic_error("schema: bad scalar type at " + path);
  }

 private:
  static std::string show(const std::string& path) { return path; }

  SourceLocation at(const YAML::Node& n, const std::string& path) const {
    // A value set on the command line is reported there, not in the file.
    for (std::string p = path;;) {
      auto it = overridden_.find(p);
      if (it != overridden_.end()) return SourceLocation{it->second, 0, 0};
      auto dot = p.rfind('.');
      if (dot == std::string::npos) break;
      p.resize(dot);
    }
    auto m = n.Mark();
    if (m.is_null()) return SourceLocation{origin_, 0, 0};
    return SourceLocation{origin_, m.line + 1, m.column + 1};
  }

  static std::string kind(const YAML::Node& n) {
    if (n.IsMap()) return "a map";
    if (n.IsSequence()) return "a list";
    if (n.IsNull()) return "nothing";
    return "'" + n.Scalar() + "'";
  }
  static std::string expected(const Field& f, FieldType t) {
    if (t == FieldType::Enum) return "one of " + fmt::format("{}", fmt::join(f.values, ", "));
    return std::string("a value of type ") + to_string(t);
  }

  static void range(const Field& f, double v, const std::string& s, const std::string& path,
                    const SourceLocation& loc) {
    if ((f.min && v < *f.min) || (f.max && v > *f.max)) {
      auto num = [](double x) {
        return (std::fabs(x) < 1e15 && x == std::floor(x)) ? fmt::format("{}", int64_t(x)) : fmt::format("{}", x);
      };
      std::string lo = f.min ? num(*f.min) : "-inf", hi = f.max ? num(*f.max) : "inf";
      throw ConfigError(loc, path, fmt::format("{} is out of range [{}, {}]", s, lo, hi));
    }
  }

 public:
  static bool parse_int(const std::string& s, int64_t& v) {
    if (s.empty()) return false;
    try {
      size_t used = 0;
      long long x;
      if (s.size() > 2 && (s.compare(0, 2, "0x") == 0 || s.compare(0, 2, "0X") == 0))
        x = std::stoll(s.substr(2), &used, 16), used += 2;
      else
        x = std::stoll(s, &used, 10);
      if (used != s.size()) return false;
      v = x;
      return true;
    } catch (...) {
      return false;
    }
  }
  static bool parse_float(const std::string& s, double& v) {
    int64_t i;
    if (parse_int(s, i)) return v = double(i), true;
    try {
      size_t used = 0;
      v = std::stod(s, &used);
      return used == s.size() && std::isfinite(v);
    } catch (...) {
      return false;
    }
  }
  static bool parse_size(const std::string& s, int64_t& v) {
    if (parse_int(s, v)) return true;
    static const std::pair<const char*, double> units[] = {
        {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"B", 1.0}};
    for (auto [u, mul] : units) {
      std::string us(u);
      if (s.size() > us.size() && s.compare(s.size() - us.size(), us.size(), us) == 0) {
        std::string num = s.substr(0, s.size() - us.size());
        while (!num.empty() && num.back() == ' ') num.pop_back();
        double d;
        if (!parse_float(num, d) || d < 0) return false;
        double bytes = d * mul;
        if (bytes != std::floor(bytes) || bytes > 9e18) return false;
        v = int64_t(bytes);
        return true;
      }
    }
    return false;
  }

 private:
  std::string origin_;
  const std::map<std::string, std::string>& overridden_;
  Config& out_;
};

static void check_mesh(const Config& c);
static void check_tree(const Config& c);
static void check_memory(const Config& c);

// Cross-key rules the schema cannot express: the one validation every tool
// runs (vp-run, vp-map, the dataflow job), before any model is built. All
// arithmetic on the values is checked: a wrapped product must not pass.
static void check_consistency(const Config& c) {
  // One period of the clock must be at least SystemC's default resolution, 1 ps.
  if (1.0 / c.get_float("clock_hz") < 0.5e-12) c.fail("clock_hz", "the clock period is below the SystemC time resolution (1 ps)");
  if (c.get_string("kind") != "manycore") return;
  check_cluster_classes(c);
  if (c.get_string("noc.topology") == "mesh")
    check_mesh(c);
  else
    check_tree(c);
  check_memory(c);
}

// The 2D mesh: one router per cluster, the HBM on a router of the grid.
static void check_mesh(const Config& c) {
  // The tree's per-level link modes name levels a mesh does not have: a mesh takes its own,
  // one for all its links; silently ignoring them would time another network than asked.
  for (const char* key : {"noc.latency_mode", "noc.duplex"})
    if (!c.get_string_list(key).empty())
      c.fail(key, fmt::format("is per level of the tree and does not apply to noc.topology: mesh; set "
                              "noc.mesh.{} (one word for every link of the mesh)",
                              std::string(key).substr(4)));
  const int64_t columns = c.get_int("noc.mesh.columns"), rows = c.get_int("noc.mesh.rows");
  const int64_t clusters = c.get_int("cluster.count");
  if (columns * rows != clusters)  // both at most 64: no overflow
    c.fail_any({"noc.mesh.columns", "noc.mesh.rows", "cluster.count"},
               fmt::format("a {} x {} mesh has {} routers but cluster.count is {} (one cluster per router)", columns,
                           rows, columns * rows, clusters));
  const auto at = c.get_int_list("noc.mesh.hbm_router");
  if (at[0] >= columns || at[1] >= rows)
    c.fail("noc.mesh.hbm_router",
           fmt::format("router [{}, {}] is outside the {} x {} mesh (columns 0..{}, rows 0..{}): the HBM would be "
                       "unreachable",
                       at[0], at[1], columns, rows, columns - 1, rows - 1));
}

static void check_tree(const Config& c) {
  const auto levels = c.get_string_list("noc.levels");
  for (const char* key : {"noc.factors", "noc.width_bytes", "noc.latency_cycles"}) {
    size_t n = c.get_int_list(key).size();
    if (n != levels.size())
      c.fail(key, fmt::format("has {} items but noc.levels names {} levels", n, levels.size()));
  }
  // Per-level word lists: empty (the default everywhere) or one word a level.
  for (const auto& [key, first, second] : {std::tuple<const char*, const char*, const char*>{"noc.latency_mode", "pipelined", "serialized"},
                                           {"noc.duplex", "full", "half"}}) {
    const auto words = c.get_string_list(key);
    if (!words.empty() && words.size() != levels.size())
      c.fail(key, fmt::format("has {} items but noc.levels names {} levels", words.size(), levels.size()));
    for (size_t k = 0; k < words.size(); ++k)
      if (words[k] != first && words[k] != second)
        c.fail(key, fmt::format("item {} is '{}'; expected '{}' or '{}'", k, words[k], first, second));
  }
  // Level names become module names: they must be distinct identifiers.
  std::set<std::string> seen;
  for (const auto& n : levels) {
    if (n.empty() || n.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
      c.fail("noc.levels", fmt::format("level name '{}' must be letters, digits and '_'", n));
    if (!seen.insert(n).second) c.fail("noc.levels", fmt::format("level name '{}' appears twice", n));
  }
  const auto factors = c.get_int_list("noc.factors");
  const int64_t clusters = c.get_int("cluster.count");
  const auto product = checked_product<int64_t>(factors);
  if (!product)
    c.fail_any({"noc.factors", "cluster.count"},
               fmt::format("the product of the quadrant factors [{}] overflows (cluster.count is {})",
                           fmt::join(factors, ", "), clusters));
  if (*product != clusters)
    c.fail_any({"noc.factors", "cluster.count"},
               fmt::format("the product of the quadrant factors is {} but cluster.count is {}", *product, clusters));
}

static void check_memory(const Config& c) {
  const int64_t clusters = c.get_int("cluster.count");
  const uint64_t l1 = c.get_size("cluster.l1.size"), periph = uint64_t(c.get_int("memory_map.peripherals_offset"));
  const uint64_t stride = uint64_t(c.get_int("memory_map.cluster_stride"));
  if (l1 > periph) c.fail_any({"memory_map.peripherals_offset", "cluster.l1.size"}, "must be at least cluster.l1.size");
  if (periph >= stride) c.fail("memory_map.cluster_stride", "must exceed memory_map.peripherals_offset");
  const int64_t word = c.get_int("cluster.l1.bank_width"), banks = c.get_int("cluster.l1.banks");
  if (word & (word - 1)) c.fail("cluster.l1.bank_width", "must be a power of two");
  const auto row = checked_mul<int64_t>(word, banks);
  if (!row || l1 % uint64_t(*row) != 0)
    c.fail("cluster.l1.size", fmt::format("must be a multiple of banks x bank_width = {} x {} bytes", banks, word));

  // The global address map: every region inside 32 bits, none overlapping.
  struct Range {
    const char* key;
    const char* what;
    uint64_t base;
    std::optional<uint64_t> size;
  };
  const uint64_t global = uint64_t(c.get_int("memory_map.cluster_global_base"));
  const Range ranges[] = {
      {"memory_map.cluster_local_base", "the local cluster alias", uint64_t(c.get_int("memory_map.cluster_local_base")),
       stride},
      {"memory_map.imem_base", "the instruction memory", uint64_t(c.get_int("memory_map.imem_base")),
       c.get_size("memory_map.imem_size")},
      {"memory_map.cluster_global_base", "the cluster windows", global, checked_mul<uint64_t>(uint64_t(clusters), stride)},
      {"memory_map.hbm_base", "the HBM", uint64_t(c.get_int("memory_map.hbm_base")), c.get_size("hbm.size")},
  };
  for (const auto& r : ranges) {
    const auto end = r.size ? checked_add<uint64_t>(r.base, *r.size) : std::nullopt;
    if (!end || *end > 0x100000000ULL)
      c.fail(r.key, r.size ? fmt::format("{} [{:#x}, {:#x}) does not fit in the 32-bit address space", r.what, r.base,
                                         r.base + *r.size)
                           : fmt::format("{} at {:#x} do not fit in the 32-bit address space", r.what, r.base));
  }
  for (size_t i = 0; i < std::size(ranges); ++i)
    for (size_t j = 0; j < i; ++j) {
      const Range &a = ranges[i], &b = ranges[j];
      if (a.base < b.base + *b.size && b.base < a.base + *a.size)
        c.fail_any({a.key, b.key}, fmt::format("{} [{:#x}, {:#x}) overlaps {} [{:#x}, {:#x}) set by {}", a.what, a.base,
                                               a.base + *a.size, b.what, b.base, b.base + *b.size, b.key));
    }
}

Config Config::from_string(const std::string& text, const std::string& origin,
                           const std::vector<std::string>& overrides) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(SourceLocation{origin, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax: " + e.msg);
  }
  if (doc.IsNull()) doc = YAML::Node(YAML::NodeType::Map);
  if (!doc.IsMap())
    throw ConfigError(SourceLocation{origin, 1, 1}, "", "a platform file is a map of keys");
  std::map<std::string, std::string> overridden;
  apply_overrides(doc, overrides, overridden, Schema::builtin());

  Config c;
  c.origin_ = origin;
  Validator v(origin, overridden, c);
  c.overridden_ = overridden;
  c.root_ = v.map(Schema::builtin().root(), doc, "", SourceLocation{origin, 1, 1});
  check_consistency(c);
  return c;
}

Config Config::clone() const {
  Config c = *this;
  // reset, not operator=: assigning to a node that shares this document would
  // re-point this document's root at the copy and merge their memory, so both
  // would still share every node (and a walk on one thread adds nodes the other reads).
  c.root_.reset(YAML::Clone(root_));
  return c;
}

const std::string& Config::default_platform() {
  static const std::string name = "mpaimc-512";
  return name;
}

std::vector<std::string> Config::builtin_names() {
  std::vector<std::string> out;
  for (const auto& f : embedded_platforms()) out.push_back(f.name.substr(0, f.name.rfind('.')));
  return out;
}

std::string read_input_file(const std::string& path, const std::string& what) {
  const SourceLocation where{path, 0, 0};
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw ConfigError(where, "", fmt::format("cannot open {}: {}", what, std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) throw ConfigError(where, "", fmt::format("is a directory, not a {}", what));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(where, "", fmt::format("cannot read {}: {}", what, std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ConfigError(where, "", fmt::format("cannot read {}: {}", what, std::strerror(errno)));
  return ss.str();
}

Config Config::load(const std::string& source, const std::vector<std::string>& overrides) {
  if (source.empty()) throw ConfigError(SourceLocation{"--platform", 0, 0}, "", "empty platform name");
  // A path that exists is a file to read (an unreadable one is an error of
  // its own, not "no such platform").
  struct stat st {};
  if (stat(source.c_str(), &st) == 0) return from_string(read_input_file(source, "platform file"), source, overrides);
  for (const auto& f : embedded_platforms())
    if (f.name == source || f.name == source + ".yaml")
      return from_string(f.contents, "<built-in " + f.name + ">", overrides);
  std::string hint = closest_match(source, builtin_names());
  throw ConfigError(SourceLocation{source, 0, 0}, "",
                    fmt::format("cannot open platform file (no such file, nor a built-in platform; built-ins: {}){}",
                                fmt::join(builtin_names(), ", "),
                                hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

const YAML::Node Config::node(const std::string& path, FieldType expect) const {
  const Field* f = Schema::builtin().find(path);
  if (!f) throw std::logic_error("Config: no key '" + path + "' in the schema");
  bool ok = f->type == expect || (expect == FieldType::String && f->type == FieldType::Enum) ||
            (expect == FieldType::Float && (f->type == FieldType::Int || f->type == FieldType::Size)) ||
            (expect == FieldType::Int && f->type == FieldType::Size) ||
            (expect == FieldType::Size && f->type == FieldType::Int);
  if (!ok)
    throw std::logic_error(fmt::format("Config: key '{}' is {}, read as {}", path, to_string(f->type), to_string(expect)));
  YAML::Node walk = root_;
  size_t pos = 0;
  while (true) {
    size_t dot = path.find('.', pos);
    std::string key = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    YAML::Node next = walk[key];
    walk.reset(next);
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return walk;
}

bool Config::has(const std::string& path) const {
  YAML::Node walk = root_;
  size_t pos = 0;
  while (true) {
    size_t dot = path.find('.', pos);
    std::string key = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (!walk.IsMap() || !walk[key]) return false;
    YAML::Node next = walk[key];
    walk.reset(next);
    if (dot == std::string::npos) return true;
    pos = dot + 1;
  }
}

std::vector<std::string> Config::entry_names(const std::string& path) const {
  const Field* f = Schema::builtin().find(path);
  if (!f || !f->entries) throw std::logic_error("Config: key '" + path + "' is not a map of entries");
  std::vector<std::string> out;
  YAML::Node n = root_;
  for (size_t pos = 0;;) {
    size_t dot = path.find('.', pos);
    YAML::Node next = n[path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos)];
    n.reset(next);
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  for (const auto& kv : n) out.push_back(kv.first.Scalar());
  return out;
}

int64_t Config::get_int(const std::string& p) const { return node(p, FieldType::Int).as<int64_t>(); }
double Config::get_float(const std::string& p) const { return node(p, FieldType::Float).as<double>(); }
bool Config::get_bool(const std::string& p) const { return node(p, FieldType::Bool).as<bool>(); }
std::string Config::get_string(const std::string& p) const { return node(p, FieldType::String).as<std::string>(); }
uint64_t Config::get_size(const std::string& p) const { return node(p, FieldType::Size).as<uint64_t>(); }

static const Field& list_field(const std::string& p, FieldType item) {
  const Field* f = Schema::builtin().find(p);
  if (!f || f->type != FieldType::List || f->item != item)
    throw std::logic_error(fmt::format("Config: key '{}' is not a list of {}", p, to_string(item)));
  return *f;
}
std::vector<int64_t> Config::get_int_list(const std::string& p) const {
  list_field(p, FieldType::Int);
  return node(p, FieldType::List).as<std::vector<int64_t>>();
}
std::vector<double> Config::get_float_list(const std::string& p) const {
  list_field(p, FieldType::Float);
  return node(p, FieldType::List).as<std::vector<double>>();
}
std::vector<std::string> Config::get_string_list(const std::string& p) const {
  list_field(p, FieldType::String);
  return node(p, FieldType::List).as<std::vector<std::string>>();
}

SourceLocation Config::location(const std::string& path) const {
  auto it = locations_.find(path);
  if (it != locations_.end()) return it->second;
  return SourceLocation{origin_, 0, 0};
}

void Config::fail(const std::string& path, const std::string& message) const { fail_any({path}, message); }

void Config::fail_any(const std::vector<std::string>& paths, const std::string& message) const {
  // A rule broken by a --set is reported at that --set (a list item's too,
  // e.g. noc.factors.1=3 for a rule on noc.factors), not in the file.
  for (const auto& path : paths)
    for (const auto& [key, origin] : overridden_)
      if (key == path || key.rfind(path + ".", 0) == 0) throw ConfigError(SourceLocation{origin, 0, 0}, path, message);
  throw ConfigError(location(paths.front()), paths.front(), message);
}

static nlohmann::json to_json_node(const Field& f, const YAML::Node& n, bool in_entry = false) {
  auto scalar = [](FieldType t, const YAML::Node& v) -> nlohmann::json {
    switch (t) {
      case FieldType::Int:
      case FieldType::Size: return v.as<int64_t>();
      case FieldType::Float: return v.as<double>();
      case FieldType::Bool: return v.as<bool>();
      default: return v.as<std::string>();
    }
  };
  if (f.type == FieldType::Map && f.entries && !in_entry) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& kv : n) j[kv.first.Scalar()] = to_json_node(f, kv.second, true);
    return j;
  }
  if (f.type == FieldType::Map) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& c : f.fields)
      if (!in_entry || n[c->name]) j[c->name] = to_json_node(*c, n[c->name], in_entry);
    return j;
  }
  if (f.type == FieldType::List) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& item : n) j.push_back(scalar(f.item, item));
    return j;
  }
  return scalar(f.type, n);
}

nlohmann::json Config::to_json() const { return to_json_node(Schema::builtin().root(), root_); }

std::string Config::to_yaml() const {
  YAML::Emitter e;
  e << root_;
  return e.c_str();
}

}  // namespace vp
