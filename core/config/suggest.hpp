#pragma once
// "Did you mean ...?" for misspelt keys and enum words.
#include <string>
#include <vector>

namespace vp {
size_t edit_distance(const std::string& a, const std::string& b);
// The closest candidate when it is close enough to be a likely typo, else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);
}  // namespace vp
