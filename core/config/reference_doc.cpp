#include <sstream>

#include <fmt/format.h>

#include "config/config.hpp"

namespace vp {

static std::string show_default(const Field& f) {
  if (!f.has_default) return "required";
  YAML::Emitter e;
  e << YAML::Flow << f.default_value;
  std::string s = e.c_str();
  return s.empty() ? "\"\"" : "`" + s + "`";
}

static std::string show_range(const Field& f) {
  auto num = [](double x) {
    if (x == static_cast<double>(static_cast<int64_t>(x))) {
      auto i = static_cast<int64_t>(x);
      return i >= 0x10000 && (i & (i - 1)) == 0 ? fmt::format("{:#x}", i) : fmt::format("{}", i);
    }
    return fmt::format("{}", x);
  };
  std::string r;
  if (f.type == FieldType::Enum) r = fmt::format("{}", fmt::join(f.values, " \\| "));
  if (f.min || f.max)
    r = fmt::format("{} .. {}", f.min ? num(*f.min) : "", f.max ? num(*f.max) : "");
  if (f.type == FieldType::List) {
    std::string len = fmt::format("{}..{} items", f.min_len ? fmt::format("{}", *f.min_len) : "0",
                                  f.max_len ? fmt::format("{}", *f.max_len) : "");
    r = r.empty() ? len : len + ", each " + r;
  }
  return r;
}

// `in_entry`: the keys of an entries map's entry, each optional.
static void emit(std::ostringstream& o, const Field& f, bool in_entry = false) {
  for (const auto& c : f.fields) {
    if (c->type == FieldType::Map) {
      const bool entry = in_entry || c->entries;
      o << fmt::format("\n### `{}`\n\n{}\n\n", c->entries ? c->path + ".<name>" : c->path, c->doc);
      if (entry)
        o << "Every key of an entry is optional (the description above says what an omitted key means).\n\n";
      o << "| key | type | default | range | unit | meaning |\n|---|---|---|---|---|---|\n";
      for (const auto& leaf : c->fields)
        if (leaf->type != FieldType::Map) {
          std::string type = leaf->type == FieldType::List ? fmt::format("list of {}", to_string(leaf->item))
                                                           : to_string(leaf->type);
          o << fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", leaf->name, type,
                           entry ? std::string("optional") : show_default(*leaf), show_range(*leaf), leaf->unit,
                           leaf->doc);
        }
      emit(o, *c, entry);
    }
  }
}

std::string schema_reference_markdown(const Schema& schema) {
  std::ostringstream o;
  o << "# Platform file reference\n\n"
       "Generated from `platform/schema/*.yaml` by `vp-run --print-schema-doc`; do not edit by hand\n"
       "(a test fails when this page and the schema disagree).\n\n"
       "A platform file is YAML. Unknown keys, wrong types and values out of range are errors that\n"
       "name the file, line, column and key. Any key can be overridden from the command line with\n"
       "`vp-run --set path.to.key=value` (list items by index: `--set noc.factors.1=8`).\n"
       "Sizes accept plain bytes or `KiB`, `MiB`, `GiB` suffixes.\n\n"
       "## Top-level keys\n\n"
       "| key | type | default | range | unit | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& c : schema.root().fields)
    if (c->type != FieldType::Map)
      o << fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", c->name, to_string(c->type), show_default(*c),
                       show_range(*c), c->unit, c->doc);
  o << "\n## Sections\n";
  emit(o, schema.root());
  return o.str();
}

}  // namespace vp
