// The bare platform: one RV32IMC core, one RAM at memory.base and the host
// I/O block (console, exit), for bare-metal programs and the RISC-V
// architecture tests (tohost halt, --signature dump).
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "bare/bare_bus.hpp"
#include "bare/bare_host_io.hpp"
#include "bare_io_regs.h"
#include "bare/bare_ram.hpp"
#include "config/output_file.hpp"
#include "core_group.hpp"
#include "elf_loader.hpp"
#include "gdb/debug_session.hpp"
#include "params/ip_params.hpp"
#include "riscv_core.hpp"
#include "top/platform_builders.hpp"

namespace vp {
namespace {

class BarePlatform : public Platform {
 public:
  explicit BarePlatform(const Config& cfg)
      : core_cfg_(bind_core(cfg)),
        ram_base_(static_cast<uint64_t>(cfg.get_int("memory.base"))),
        ram_size_(cfg.get_size("memory.size")),
        io_base_(static_cast<uint64_t>(cfg.get_int("memory.host_io_base"))) {
    if (ram_base_ + ram_size_ > 0x100000000ull)
      cfg.fail("memory.size", fmt::format("RAM at 0x{:x} of {} bytes ends past the 32-bit address space", ram_base_,
                                          ram_size_));
    if (io_base_ < ram_base_ + ram_size_ && io_base_ + VP_BARE_HOST_IO_SIZE > ram_base_)
      cfg.fail("memory.host_io_base", "the host I/O block overlaps the RAM");
    tlm::tlm_global_quantum::instance().set(core_cfg_.cycle * double(cfg.get_int("simulation.quantum_cycles")));
    const sc_core::sc_time latency = core_cfg_.cycle * double(cfg.get_int("memory.latency_cycles"));
    ram_ = std::make_unique<BareRam>("ram", ram_base_, ram_size_, latency);
    bus_ = std::make_unique<BareBus>("bus", ram_base_, ram_size_, io_base_, VP_BARE_HOST_IO_SIZE);
    core_ = std::make_unique<rv::RiscvCore>("core", 0, 0, core_cfg_);
    core_->bus.bind(bus_->target);
    bus_->to_ram.bind(ram_->socket);
    group_ = std::make_unique<rv::CoreGroup>("harts", std::vector<rv::RiscvCore*>{core_.get()});
  }

  void load(const RunRequest& req) override {
    io_ = std::make_unique<BareHostIo>("host_io", io_base_, !req.quiet,
                                       [this](uint32_t, uint32_t, int code) { core_->halt(code); });
    bus_->to_io.bind(io_->socket);
    if (req.elf.size() != 1)
      throw SimulationError(fmt::format("the bare platform runs exactly one program (--elf), got {}", req.elf.size()));
    image_ = rv::load_elf(req.elf.front(), [this](uint32_t a, uint64_t n) -> std::string {
      if (ram_->contains(a, n)) return {};
      return fmt::format("outside the RAM [0x{:08x}, 0x{:08x})", ram_base_, ram_base_ + ram_size_);
    });
    for (const rv::ElfSegment& s : image_.segments) {
      if (!ram_->contains(s.addr, s.bytes.size()))
        throw SimulationError(fmt::format("{}: segment at 0x{:08x} of {} bytes is outside the RAM [0x{:08x}, 0x{:08x})",
                                          image_.path, s.addr, s.bytes.size(), ram_base_, ram_base_ + ram_size_));
      std::copy(s.bytes.begin(), s.bytes.end(), ram_->host(s.addr));
    }
    if (auto tohost = image_.symbol("tohost")) {
      ram_->watch_tohost(*tohost, [this](uint32_t v) {
        // riscv-tests: bit 0 set means "exit with v >> 1"; anything else is a
        // proxy-kernel system call, which this platform does not serve.
        if (v & 1) {
          core_->halt(static_cast<int>(v >> 1));
        } else {
          tohost_error_ = fmt::format("tohost written with 0x{:08x}: proxy-kernel system calls are not supported", v);
          core_->halt(-1);
        }
      });
    }
    if (!req.signature.empty() && (!image_.symbol("begin_signature") || !image_.symbol("end_signature")))
      throw SimulationError(fmt::format("{}: --signature needs the symbols begin_signature and end_signature",
                                        image_.path));
    core_->reset(image_.entry);
    if (DebugSession::wanted(req))  // --gdb, --itrace: the one core is cluster 0 core 0
      debug_ = std::make_unique<DebugSession>(req, std::vector<rv::CoreGroup*>{group_.get()}, 1u);
  }

  RunResult run(const RunRequest& req) override {
    if (debug_) debug_->start();
    run_kernel(req.max_time);
    if (debug_) debug_->finish();
    io_->flush();
    if (group_->error()) std::rethrow_exception(group_->error());
    if (!tohost_error_.empty()) throw SimulationError(tohost_error_);

    RunResult r;
    r.stats["cores"] = nlohmann::json::array({core_stats(*core_)});
    if (core_->halted()) {
      const int code = core_->exit_code();
      if (code != 0) {
        r.exit_code = 1;
        r.status = fmt::format("firmware-exit {}", code);
        r.message = fmt::format("{} exited with code {}", core_->name_for_reports(), code);
        return r;
      }
      if (!req.signature.empty()) write_signature(req.signature);
      return r;
    }
    // A core asleep with nothing pending is a stall even at the time limit
    // (sc_start(T) runs the clock to T with no event left).
    if (core_->sleeping() && !sc_core::sc_pending_activity())
      throw SimulationError(fmt::format("stall: {} sleeps (wfi) at pc 0x{:08x} and nothing is left to wake it",
                                        core_->name_for_reports(), core_->pc()));
    if (req.max_time != sc_core::SC_ZERO_TIME && sc_core::sc_time_stamp() >= req.max_time) {
      if (req.default_limit) {  // not asked for: a spinning program, exit 1
        r.exit_code = 1;
        r.status = "time-limit";
        r.message = fmt::format("stopped at the default time limit of {} (--max-time to change it), {} still "
                                "running at pc 0x{:08x}",
                                req.max_time.to_string(), core_->name_for_reports(), core_->pc());
        return r;
      }
      r.status = "time-limit";
      r.message = fmt::format("stopped at the time limit, {} still running at pc 0x{:08x}",
                              core_->name_for_reports(), core_->pc());
      return r;
    }
    throw SimulationError(fmt::format("stall: {} sleeps (wfi) at pc 0x{:08x} and nothing is left to wake it",
                                      core_->name_for_reports(), core_->pc()));
  }

 private:
  static nlohmann::json core_stats(const rv::RiscvCore& c) {
    return {{"hartid", c.hartid()}, {"instret", c.instret()}, {"cycles", c.cycles()},
            {"sleep_cycles", c.sleep_cycles()}, {"exit_code", c.exit_code()},
            {"decoded_pages", c.decode_cache()->pages()}};
  }

  // RISCOF convention: one 32-bit word per line, 8 lowercase hex digits.
  void write_signature(const std::string& path) {
    const uint32_t begin = *image_.symbol("begin_signature"), end = *image_.symbol("end_signature");
    if (end < begin || !ram_->contains(begin, end - begin))
      throw SimulationError(fmt::format("signature range [0x{:08x}, 0x{:08x}) is not in RAM", begin, end));
    std::string text;
    for (uint32_t a = begin; a + 4 <= end; a += 4) {
      const uint8_t* p = ram_->host(a);
      const uint32_t w = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
      text += fmt::format("{:08x}\n", w);
    }
    try {
      write_output(path, text);
    } catch (const OutputError& e) {
      throw SimulationError(e.what());
    }
  }

  rv::CoreConfig core_cfg_;
  uint64_t ram_base_, ram_size_, io_base_;
  std::unique_ptr<BareRam> ram_;
  std::unique_ptr<BareBus> bus_;
  std::unique_ptr<BareHostIo> io_;
  std::unique_ptr<rv::RiscvCore> core_;
  std::unique_ptr<rv::CoreGroup> group_;
  rv::ElfImage image_;
  std::string tohost_error_;
  std::unique_ptr<DebugSession> debug_;  // --gdb, --itrace; last: detaches from the core first
};

}  // namespace

std::unique_ptr<Platform> make_bare_platform(const Config& cfg) { return std::make_unique<BarePlatform>(cfg); }

}  // namespace vp
