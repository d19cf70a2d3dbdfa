#pragma once
// Arithmetic on sizes that come from users (platform files, --set, networks,
// --cost, --batch, ELF headers): an overflow is an input error, never a
// wrapped value that a later check happens to accept.
#include <cstdint>
#include <optional>
#include <type_traits>

namespace vp {

template <class T>
std::optional<T> checked_mul(T a, T b) {
  static_assert(std::is_integral_v<T>);
  T r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

template <class T>
std::optional<T> checked_add(T a, T b) {
  static_assert(std::is_integral_v<T>);
  T r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// The product of a list, or nullopt when it overflows T.
template <class T, class List>
std::optional<T> checked_product(const List& items) {
  T p = 1;
  for (const auto& x : items) {
    auto next = checked_mul<T>(p, T(x));
    if (!next) return std::nullopt;
    p = *next;
  }
  return p;
}

// A number parsed as an integer in [lo, hi] from a double (e.g. --cost
// values): nullopt when it is not finite, not whole or out of range.
inline std::optional<int64_t> whole_in_range(double v, int64_t lo, int64_t hi) {
  if (!(v >= double(lo) && v <= double(hi))) return std::nullopt;
  const auto i = int64_t(v);
  if (double(i) != v) return std::nullopt;
  return i;
}

}  // namespace vp
