// Drawing the breakdown through the plotting script: see breakdown_plot.hpp.
#include "breakdown_plot.hpp"

#include <cstdio>
#include <fstream>

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/output_file.hpp"
#include "dataflow_job.hpp"
#include "paths/data_dirs.hpp"

namespace vp::dataflow {

namespace {
const char* const kPython = "/usr/bin/python3";
std::string plot_script() { return data_dir("scripts") + "/plot_cluster_time.py"; }
}  // namespace

void check_plotting() {
  const std::string script = plot_script();
  if (access(kPython, X_OK) != 0)
    throw JobError(fmt::format("--breakdown-png needs {} with matplotlib (scripts/deps.txt)", kPython));
  if (access(script.c_str(), R_OK) != 0) throw JobError(fmt::format("--breakdown-png: {} is missing", script));
}

void plot_breakdown(const nlohmann::json& report, const std::string& png) {
  char path[] = "/tmp/vp-breakdown-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("cannot create a temporary file for --breakdown-png");
  close(fd);
  {
    std::ofstream f(path);
    f << nlohmann::json{{"dataflow", report}}.dump();
  }
  // fork + exec, not a shell: no quoting of the file names. The script
  // draws into the output's temporary, committed only when it succeeded.
  const std::string script = plot_script();
  AtomicOutput out(png);
  const pid_t pid = fork();
  if (pid == 0) {
    execl(kPython, kPython, script.c_str(), path, out.temp_path().c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = -1;
  if (pid > 0) waitpid(pid, &status, 0);
  std::remove(path);
  if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("--breakdown-png {}: {} failed", png, script));
  out.commit();
}

}  // namespace vp::dataflow
