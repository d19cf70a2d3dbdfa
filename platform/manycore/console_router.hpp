#pragma once
// Where the clusters' firmware console lines go (vp-run --verbose,
// --console FILE): the clusters are built writing to this router's stream,
// and the run decides, once it knows its request, whether the lines go to
// stdout, to a file, or nowhere. A dataflow job's report then comes first
// and alone on stdout.
#include <cstdint>
#include <ostream>
#include <streambuf>

namespace vp {

class ConsoleRouter {
 public:
  static ConsoleRouter& instance();
  std::ostream& stream() { return stream_; }
  // The destination from now on; null: the lines are dropped (counted).
  void route_to(std::ostream* target) { buf_.target = target; }
  uint64_t dropped_lines() const { return buf_.dropped_lines; }

 private:
  struct Buf : std::streambuf {
    std::ostream* target = nullptr;
    uint64_t dropped_lines = 0;
    int overflow(int c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override {
      if (target) target->flush();
      return 0;
    }
  };
  ConsoleRouter() : stream_(&buf_) {}
  Buf buf_;
  std::ostream stream_;
};

}  // namespace vp
