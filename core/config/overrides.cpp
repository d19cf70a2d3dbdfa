#include <fmt/format.h>

#include "config/config.hpp"

namespace vp {

static bool is_index(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides,
                     std::map<std::string, std::string>& overridden_paths, const Schema& schema) {
  for (const auto& ov : overrides) {
    SourceLocation where{"--set " + ov, 0, 0};
    auto eq = ov.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(where, "", "an override is written key.path=value");
    std::string path = ov.substr(0, eq);
    std::string text = ov.substr(eq + 1);
    YAML::Node value;
    try {
      value = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      throw ConfigError(where, path, "value is not valid YAML: " + e.msg);
    }
    if (!value || value.IsNull()) value = YAML::Node(text);

    std::vector<std::string> keys;
    for (size_t pos = 0;;) {
      size_t dot = path.find('.', pos);
      keys.push_back(path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
      if (dot == std::string::npos) break;
      pos = dot + 1;
    }
    for (const auto& k : keys)
      if (k.empty()) throw ConfigError(where, path, "empty component in key path");

    // Walk down with references, creating maps for missing keys (validation
    // then reports unknown keys at this override).
    YAML::Node cur = root;
    if (!cur.IsMap()) cur = root = YAML::Node(YAML::NodeType::Map);
    std::string walked;
    for (size_t i = 0; i < keys.size(); ++i) {
      const auto& k = keys[i];
      walked += (walked.empty() ? "" : ".") + k;
      bool last = i + 1 == keys.size();
      if (cur.IsSequence()) {
        if (!is_index(k))
          throw ConfigError(where, walked, fmt::format("'{}' is a list; index it with a number", walked.substr(0, walked.size() - k.size() - 1)));
        // Compared as text first: an index of 30 digits is out of range, not an overflow.
        const std::string digits = k.substr(std::min(k.find_first_not_of('0'), k.size() - 1));
        if (digits.size() > 9 || std::stoul(digits) >= cur.size())
          throw ConfigError(where, walked,
                            cur.size() ? fmt::format("index {} is past the end of a list of {} (valid: 0-{})", k,
                                                      cur.size(), cur.size() - 1)
                                        : fmt::format("index {} of an empty list", k));
        const size_t idx = std::stoul(digits);
        if (last) {
          cur[idx] = value;
        } else {
          YAML::Node next = cur[idx];
          cur.reset(next);
        }
      } else {
        if (!cur.IsMap() && !cur.IsNull())
          throw ConfigError(where, walked, "cannot descend into a scalar value");
        if (last) {
          cur[k] = value;
        } else {
          if (!cur[k] || cur[k].IsNull()) {
            const Field* f = schema.find(walked);
            if (f && f->type == FieldType::List && f->has_default)
              cur[k] = YAML::Clone(f->default_value);
            else
              cur[k] = YAML::Node(YAML::NodeType::Map);
          }
          YAML::Node next = cur[k];
          cur.reset(next);
        }
      }
    }
    overridden_paths[path] = where.origin;
  }
}

}  // namespace vp
