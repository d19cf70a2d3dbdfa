#pragma once
// GDB remote stub for the cores of a platform (vp-run --gdb PORT).
//
// All-stop, with no host thread touching the model: a core that must stop
// (breakpoint, watchpoint, end of a single step, Ctrl-C, the stop before the
// first instruction) calls into the server from its own run_until(), i.e.
// from inside the SystemC thread of its CoreGroup. The server answers GDB's
// packets right there, and returns only when GDB resumes: meanwhile the
// SystemC kernel cannot advance, so every core, DMA and IMA is frozen where
// it stands. Only the socket reader runs on a host thread (RspConnection).
//
// Threads: the cores of the exposed clusters, tid = cluster * cores + core + 1,
// named "cluster N core K". Breakpoints (Z0 and Z1 alike) are pc matches
// checked before each instruction and watchpoints (Z2 write, Z3 read, Z4
// access) data-address matches checked before each load or store: memory is
// never patched (the instruction memory is shared by every core of every
// cluster). Watchpoints stop before the access, as GDB's RISC-V target expects. Those checks run on the core's step path, which a core takes
// only while a breakpoint or watchpoint exists or it is being single-stepped.
// Memory reads and writes go through the selected core's debug transport.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core_debug.hpp"
#include "gdb/rsp_connection.hpp"

namespace vp::rv {
class RiscvCore;
}

namespace vp::gdb {

class GdbServer : public rv::CoreDebugHook {
 public:
  // exposed: the cores that are threads; all: every core of the platform
  // (their decode caches are flushed when GDB writes memory).
  GdbServer(const std::string& host, int port, std::vector<rv::RiscvCore*> exposed,
            std::vector<rv::RiscvCore*> all, unsigned cores_per_cluster);
  ~GdbServer() override;

  // `monitor CMD` in GDB: the platform answers with text (e.g. `monitor regs`,
  // a register dump of the stopped thread's cluster), or throws
  // std::invalid_argument with the usage.
  using Monitor = std::function<std::string(const std::string& cmd, const rv::RiscvCore& stopped)>;
  void set_monitor(Monitor m) { monitor_ = std::move(m); }

  int port() const { return conn_.port(); }
  const std::string& host() const { return conn_.host(); }
  // Waits for GDB to connect (the simulation then stops before its first instruction).
  void wait_for_client();
  // The simulation is over: tells GDB (W exit code, or X signal when it did
  // not end by every core halting) and closes the connection.
  void simulation_ended(bool failed, int exit_code);

  bool enter(rv::RiscvCore& core) override;
  void before(rv::RiscvCore& core) override;
  void after(rv::RiscvCore& core, const rv::StepInfo& step) override;
  // A fatal trap: prints the report in GDB and stops there (SIGILL, SIGSEGV,
  // SIGBUS or SIGTRAP by cause) before the run ends with the error.
  void fault(rv::RiscvCore& core, uint32_t cause, const std::string& what) override;

 private:
  struct Watch {
    uint32_t addr, len;
    char type;  // '2' write, '3' read, '4' access
  };
  int tid(const rv::RiscvCore& c) const;
  rv::RiscvCore* thread(int tid) const;
  bool wants_steps(const rv::RiscvCore& c) const;
  void check_watches(rv::RiscvCore& core);
  // Stops the simulation on `core`: reports `reply` and serves GDB until it resumes.
  void stop(rv::RiscvCore& core, const std::string& reply);
  // Handles one packet; true when it resumes the simulation.
  bool handle(const std::string& p);
  void resume(rv::RiscvCore* step);
  void detach();
  std::string read_memory(uint32_t addr, uint32_t len);
  bool write_memory(uint32_t addr, const std::string& bytes);
  std::string xfer(const std::string& object, const std::string& annex, const std::string& range) const;
  std::string thread_name(const rv::RiscvCore& c) const;

  RspConnection conn_;
  Monitor monitor_;
  std::vector<rv::RiscvCore*> exposed_, all_;
  unsigned cores_per_cluster_;
  std::map<int, rv::RiscvCore*> threads_;
  bool detached_ = false;
  bool initial_stop_ = true;      // stop before the first instruction
  bool first_stop_done_ = false;  // the first stop is reported on '?', not sent
  std::string last_stop_ = "S05";
  rv::RiscvCore* g_thread_ = nullptr;  // Hg: registers and memory
  rv::RiscvCore* c_thread_ = nullptr;  // Hc: legacy c/s
  rv::RiscvCore* step_ = nullptr;      // single-stepping core, if any
  std::map<uint32_t, int> breakpoints_;  // pc -> insertions (Z0 and Z1)
  std::vector<Watch> watches_;
  rv::RiscvCore* watch_resume_ = nullptr;  // core stopped by a watchpoint, and where
  uint32_t watch_resume_pc_ = 0;
};

}  // namespace vp::gdb
