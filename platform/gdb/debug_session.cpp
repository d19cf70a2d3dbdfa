// --gdb / --itrace on a platform's core groups.
#include "gdb/debug_session.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace vp {

namespace {
std::pair<unsigned, unsigned> range(const std::string& text, unsigned limit, const char* what,
                                    const std::string& spec) {
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument(fmt::format("--itrace-cores '{}': {} '{}' {}", spec, what, text, why));
  };
  const size_t dash = text.find('-');
  const std::string a = text.substr(0, dash), b = dash == std::string::npos ? a : text.substr(dash + 1);
  const auto num = [&](const std::string& s) {
    if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos)
      throw bad("is not a number or range (e.g. 3, 0-7)");
    return unsigned(std::stoul(s));
  };
  const unsigned first = num(a), last = num(b);
  if (last < first) throw bad("is an empty range");
  if (last >= limit) throw bad(fmt::format("is out of range: the platform has {} 0-{}", what, limit - 1));
  return {first, last};
}
}  // namespace

std::vector<std::pair<unsigned, unsigned>> DebugSession::parse_cores(const std::string& spec, unsigned clusters,
                                                                    unsigned cores_per_cluster) {
  std::vector<std::pair<unsigned, unsigned>> out;
  size_t start = 0;
  while (start <= spec.size()) {
    const size_t comma = spec.find(',', start);
    const std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t colon = item.find(':');
    const auto cl = range(item.substr(0, colon), clusters, "clusters", spec);
    const auto co = colon == std::string::npos ? std::make_pair(0u, cores_per_cluster - 1)
                                               : range(item.substr(colon + 1), cores_per_cluster, "cores", spec);
    for (unsigned c = cl.first; c <= cl.second; ++c)
      for (unsigned k = co.first; k <= co.second; ++k)
        if (std::find(out.begin(), out.end(), std::make_pair(c, k)) == out.end()) out.emplace_back(c, k);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

DebugSession::DebugSession(const RunRequest& req, const std::vector<rv::CoreGroup*>& groups,
                           unsigned cores_per_cluster)
    : groups_(groups) {
  // Cores by (cluster, core), whatever the groups' order.
  std::vector<rv::RiscvCore*> all;
  std::map<std::pair<unsigned, unsigned>, rv::RiscvCore*> by_id;
  for (rv::CoreGroup* g : groups_)
    for (rv::RiscvCore* c : g->cores()) {
      all.push_back(c);
      by_id[{c->cluster_id(), c->core_id()}] = c;
    }
  const auto find = [&](unsigned cl, unsigned k) -> rv::RiscvCore* {
    auto it = by_id.find({cl, k});
    return it == by_id.end() ? nullptr : it->second;
  };
  const unsigned clusters = unsigned(groups_.size());
  // The debugger's hooks first: a stop (and a register or memory write) happens
  // before the trace reads the instruction, and after it wrote the line.
  if (req.gdb_port >= 0) {
    // Default: every cluster when there are at most 16, else cluster 0.
    const unsigned first = req.gdb_first >= 0 ? unsigned(req.gdb_first) : 0;
    const unsigned last = req.gdb_last >= 0 ? std::min(unsigned(req.gdb_last), clusters - 1)
                                            : (clusters <= 16 ? clusters - 1 : 0);
    std::vector<rv::RiscvCore*> exposed;
    for (unsigned cl = first; cl <= last; ++cl)
      for (unsigned k = 0; k < cores_per_cluster; ++k)
        if (rv::RiscvCore* c = find(cl, k)) exposed.push_back(c);
    try {
      gdb_ = std::make_unique<gdb::GdbServer>(req.gdb_host, req.gdb_port, exposed, all, cores_per_cluster);
    } catch (const std::runtime_error& e) {
      throw SimulationError(e.what());
    }
  }
  if (!req.itrace.empty()) {
    itrace_ = std::make_unique<rv::InstructionTrace>(req.itrace, req.itrace_limit);
    try {
      for (const auto& [cl, k] : parse_cores(req.itrace_cores.empty() ? "0:0" : req.itrace_cores, clusters,
                                             cores_per_cluster))
        if (rv::RiscvCore* c = find(cl, k)) itrace_->trace(*c);
    } catch (const std::invalid_argument& e) {
      throw SimulationError(e.what());
    }
  }
}

DebugSession::~DebugSession() = default;

void DebugSession::start() {
  if (gdb_) gdb_->wait_for_client();
}

void DebugSession::finish() {
  if (gdb_) {
    // An exit code when every core halted; a signal when the run ended otherwise
    // (firmware fault, stall, time limit, kill).
    bool failed = false;
    int code = 0;
    for (rv::CoreGroup* g : groups_) {
      if (g->error()) failed = true;
      for (rv::RiscvCore* c : g->cores()) {
        if (!c->halted()) failed = true;
        else if (code == 0) code = c->exit_code();
      }
    }
    gdb_->simulation_ended(failed, code);
  }
  if (itrace_) {
    try {
      itrace_->close();
      if (itrace_->limit_reached())
        std::cerr << fmt::format("vp-run: note: --itrace stopped at its limit of {} lines\n", itrace_->lines());
    } catch (const std::runtime_error& e) {
      throw SimulationError(e.what());
    }
  }
}

}  // namespace vp
