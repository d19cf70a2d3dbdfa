#include "trace/fst_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/output_file.hpp"
#include "trace/activity_recorder.hpp"

extern char** environ;

namespace vp {

std::string find_vcd2fst() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string exe = (dir.empty() ? "." : dir) + "/vcd2fst";
    if (access(exe.c_str(), X_OK) == 0) return exe;
  }
  return {};
}

void write_fst_file(const std::string& path, const std::string& vcd_text) {
  const std::string tool = find_vcd2fst();
  if (tool.empty()) throw std::runtime_error("cannot write " + path + ": vcd2fst (Debian package gtkwave) is not on PATH");
  // vcd2fst reads the VCD from a temporary and writes the FST's temporary;
  // its output goes to a log that becomes the error message. Only the FST is
  // ever committed: the others are removed with their AtomicOutput.
  AtomicOutput fst(path), vcd(path + ".vcd"), log(path + ".log");
  vcd.write(vcd_text);
  posix_spawn_file_actions_t io;
  posix_spawn_file_actions_init(&io);
  posix_spawn_file_actions_addopen(&io, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&io, STDOUT_FILENO, log.temp_path().c_str(), O_WRONLY | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&io, STDOUT_FILENO, STDERR_FILENO);
  std::string a0 = tool, a1 = vcd.temp_path(), a2 = fst.temp_path();
  char* argv[] = {a0.data(), a1.data(), a2.data(), nullptr};
  pid_t pid = 0;
  const int err = posix_spawn(&pid, tool.c_str(), &io, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&io);
  int status = 0;
  if (err == 0)
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  if (err != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream in(log.temp_path());
    std::stringstream text;
    text << in.rdbuf();
    throw std::runtime_error("cannot write " + path + ": " + tool + " failed" +
                             (text.str().empty() ? std::string() : ": " + text.str()));
  }
  fst.commit();
}

}  // namespace vp
