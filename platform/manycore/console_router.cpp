#include "manycore/console_router.hpp"

#include <algorithm>

namespace vp {

ConsoleRouter& ConsoleRouter::instance() {
  static ConsoleRouter router;
  return router;
}

int ConsoleRouter::Buf::overflow(int c) {
  if (c == traits_type::eof()) return 0;
  const char ch = char(c);
  return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
}

std::streamsize ConsoleRouter::Buf::xsputn(const char* s, std::streamsize n) {
  if (target) {
    target->write(s, n);
  } else {
    dropped_lines += uint64_t(std::count(s, s + n, '\n'));
  }
  return n;
}

}  // namespace vp
