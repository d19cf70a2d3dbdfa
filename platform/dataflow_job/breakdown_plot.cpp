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
std::string plot_script(Plot plot) {
  return data_dir("scripts") + (plot == Plot::Pipeline ? "/plot_pipeline.py" : "/plot_cluster_time.py");
}
const char* option(Plot plot) { return plot == Plot::Pipeline ? "--pipeline-png" : "--breakdown-png"; }
}  // namespace

void check_plotting(Plot plot) {
  const std::string script = plot_script(plot);
  if (access(kPython, X_OK) != 0)
    throw JobError(fmt::format("{} needs {} with matplotlib (scripts/deps.txt)", option(plot), kPython));
  if (access(script.c_str(), R_OK) != 0) throw JobError(fmt::format("{}: {} is missing", option(plot), script));
}

void plot_report(Plot plot, const nlohmann::json& report, const std::string& png) {
  char path[] = "/tmp/vp-plot-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot create a temporary file for {}", option(plot)));
  close(fd);
  {
    std::ofstream f(path);
    f << nlohmann::json{{"dataflow", report}}.dump();
  }
  // fork + exec, not a shell: no quoting of the file names. The script
  // draws into the output's temporary, committed only when it succeeded.
  const std::string script = plot_script(plot);
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
    throw std::runtime_error(fmt::format("{} {}: {} failed", option(plot), png, script));
  out.commit();
}

}  // namespace vp::dataflow
