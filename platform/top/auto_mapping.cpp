// The loop of mode auto: see auto_mapping.hpp.
#include "top/auto_mapping.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vp {

namespace {

// A child vp-run of the job, one calibrated run, statistics into `stats`.
std::vector<std::string> child_args(const CliOptions& cli, const std::vector<std::string>& calibrate,
                                    const std::string& stats) {
  const dataflow::JobOptions& j = cli.job;
  std::vector<std::string> a{"vp-run"};
  if (!cli.platform.empty()) a.insert(a.end(), {"--platform", cli.platform});
  for (const auto& o : cli.all_overrides()) a.insert(a.end(), {"--set", o});
  for (const auto& e : cli.run.elf) a.insert(a.end(), {"--elf", e});
  if (!cli.max_time.empty()) a.insert(a.end(), {"--max-time", cli.max_time});
  a.insert(a.end(), {"--network", j.network, "--mapping-mode", "auto", "--batch", std::to_string(j.batch), "--seed",
                     std::to_string(j.seed), "--auto-iterations", "1", "--stats", stats, "--quiet"});
  for (const auto& c : j.costs) a.insert(a.end(), {"--cost", c});
  for (const auto& f : calibrate) a.insert(a.end(), {"--calibrate", f});
  if (j.flip_first_weight) a.push_back("--test-flip-weight");
  return a;
}

// Runs this executable with `args`; its report (stdout) is dropped, its
// errors (stderr) pass through. Returns the exit status (-1: did not run).
int run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& s : args) argv.push_back(const_cast<char*>(s.c_str()));
  argv.push_back(nullptr);
  fflush(nullptr);  // nothing buffered is written twice
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDOUT_FILENO);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

}  // namespace

AutoLoop::~AutoLoop() {
  std::error_code ec;
  if (!dir.empty()) std::filesystem::remove_all(dir, ec);
}

void run_auto_loop(const CliOptions& cli, AutoLoop& loop) {
  char tmpl[] = "/tmp/vp-auto-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("--mapping-mode auto: cannot create a temporary directory");
  loop.dir = tmpl;
  std::vector<std::string> calibrate = cli.job.calibrate;
  double best_rate = 0;
  for (int i = 0; i < cli.job.auto_iterations; ++i) {
    const std::string stats = fmt::format("{}/run{}.json", loop.dir, i);
    const int rc = run_child(child_args(cli, calibrate, stats));
    nlohmann::json d;
    if (rc == 0) {
      std::ifstream f(stats);
      d = nlohmann::json::parse(f, nullptr, false);
    }
    if (rc != 0 || d.is_discarded() || !d.contains("dataflow")) {
      if (i == 0) throw std::runtime_error(fmt::format("--mapping-mode auto: its first run failed (exit {})", rc));
      loop.iterations.push_back({{"iteration", i}, {"failed", true}, {"exit_code", rc}});
      break;  // the best so far stands
    }
    const auto& df = d["dataflow"];
    const auto& check = df.value("output_check", nlohmann::json::object());
    const double rate = df.value("images_per_s", 0.0);
    loop.iterations.push_back({{"iteration", i},
                               {"clusters_used", df.value("clusters_used", 0)},
                               {"images_per_s", rate},
                               {"cost_model_images_per_s", df.value("cost_model_images_per_s", 0.0)},
                               {"batch_latency_ns", df.value("batch_latency_ns", 0.0)},
                               {"bottleneck", df.contains("pipeline") ? df["pipeline"].value("bottleneck", "") : ""},
                               {"bit_exact", check.value("mismatches", 1) == 0},
                               {"calibrated_by", calibrate.size()}});
    if (i > 0 && rate <= best_rate) break;  // no better than the best: stop
    best_rate = rate, loop.best = i, loop.calibrate = calibrate;
    calibrate.push_back(stats);
  }
}

std::string auto_loop_text(const nlohmann::json& iterations, int best) {
  std::string out = "  auto iterations   run  clusters   images/s   model img/s  latency    bottleneck\n";
  for (const auto& it : iterations) {
    const int i = it["iteration"].get<int>();
    if (it.value("failed", false)) {
      out += fmt::format("                    {:>3}  failed (exit {}): the loop stopped\n", i, it["exit_code"].get<int>());
      continue;
    }
    out += fmt::format("                    {:>3}  {:>8}  {:>9.1f}  {:>12.1f}  {:>6.3f} ms  {}{}{}\n", i,
                       it["clusters_used"].get<int>(), it["images_per_s"].get<double>(),
                       it["cost_model_images_per_s"].get<double>(), it["batch_latency_ns"].get<double>() * 1e-6,
                       it["bottleneck"].get<std::string>(), it["bit_exact"].get<bool>() ? "" : " (NOT bit-exact)",
                       i == best ? "   <- kept" : "");
  }
  return out;
}

}  // namespace vp
