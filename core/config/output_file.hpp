#pragma once
// Every file vp-run and vp-map write goes through here, so a failed or
// interrupted run never leaves a half-written output (README, "Outputs").
//
//  - The data goes to a temporary in the target's directory, is fsync'ed and
//    renamed over the target; on any failure the temporary is removed and the
//    target is untouched.
//  - An output that is a symbolic link is written through: the file the link
//    points to is replaced, the link stays. An output that exists and is not
//    a regular file (a directory, a device such as /dev/stdout, a FIFO) is
//    refused.
//  - OutputPlan checks every output before anything runs: its directory is
//    writable, and no output is an input or another output.
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vp {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The file an output path finally names (symbolic links resolved).
std::string output_target(const std::string& path);

// One output being written: a temporary beside the target until commit().
class AtomicOutput {
 public:
  explicit AtomicOutput(const std::string& path);  // throws OutputError
  ~AtomicOutput();                                  // removes the temporary unless committed
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  // The temporary, for writers that need a path (an external tool).
  const std::string& temp_path() const { return temp_; }
  void write(std::string_view data);  // appends; throws OutputError (e.g. disk full)
  void commit();                      // fsync and rename over the target; throws OutputError

 private:
  std::string path_, target_, temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// The whole file at once.
void write_output(const std::string& path, std::string_view data);

// The outputs and inputs of one command, checked together before any work.
class OutputPlan {
 public:
  // `what` names the option in messages, e.g. "--stats". Empty paths are ignored.
  void input(const std::string& what, const std::string& path);
  void output(const std::string& what, const std::string& path);
  // Throws OutputError: an output equal to an input or to another output,
  // a directory or device as output, a directory that cannot be written.
  void check() const;

 private:
  std::vector<std::pair<std::string, std::string>> inputs_, outputs_;
};

}  // namespace vp
