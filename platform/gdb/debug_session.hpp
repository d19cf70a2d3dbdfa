#pragma once
// What a platform builds for --gdb and --itrace: the GDB server on the cores
// of the chosen clusters and the instruction trace of the chosen cores.
// A platform calls start() just before sc_start() and finish() right after.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core_group.hpp"
#include "gdb/gdb_server.hpp"
#include "itrace.hpp"
#include "top/platform.hpp"

namespace vp {

class DebugSession {
 public:
  static bool wanted(const RunRequest& req) { return req.gdb_port >= 0 || !req.itrace.empty(); }
  // groups: every core group of the platform (one per cluster).
  DebugSession(const RunRequest& req, const std::vector<rv::CoreGroup*>& groups, unsigned cores_per_cluster);
  ~DebugSession();
  // Before sc_start(): with --gdb, waits for GDB to connect.
  void start();
  // GDB's `monitor` commands (see GdbServer::Monitor); no effect without --gdb.
  void set_monitor(gdb::GdbServer::Monitor m) {
    if (gdb_) gdb_->set_monitor(std::move(m));
  }
  // After sc_start(): tells GDB how the run ended, writes the trace.
  // Throws SimulationError when the trace cannot be written.
  void finish();

  // --itrace-cores: comma-separated CLUSTERS[:CORES], each a number or a
  // range N-M ("0:0", "0:0-3", "1", "0-1:2,3:5"); cores default to all.
  // Returns (cluster, core) pairs in order; throws std::invalid_argument.
  static std::vector<std::pair<unsigned, unsigned>> parse_cores(const std::string& spec, unsigned clusters,
                                                                unsigned cores_per_cluster);

 private:
  std::vector<rv::CoreGroup*> groups_;
  std::unique_ptr<rv::InstructionTrace> itrace_;
  std::unique_ptr<gdb::GdbServer> gdb_;
};

}  // namespace vp
