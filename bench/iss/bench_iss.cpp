// ISS speed benchmark: N cores (one CoreGroup, one SystemC thread) share one
// memory with DMI; each runs the same ELF to its exit. Prints host time and
// aggregate MIPS. Timing model on, as in vp-run.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_target_socket.h>

#include "bare_io_regs.h"
#include "core_group.hpp"
#include "elf_loader.hpp"
#include "riscv_core.hpp"

using namespace vp::rv;
using sc_core::sc_time;

namespace {

struct SharedMemory : sc_core::sc_module {
  tlm_utils::multi_passthrough_target_socket<SharedMemory> socket{"socket"};
  uint64_t base, size;
  std::vector<uint8_t> mem;
  std::vector<RiscvCore*> cores;
  SharedMemory(sc_core::sc_module_name n, uint64_t b, uint64_t s) : sc_module(n), base(b), size(s), mem(s) {
    socket.register_b_transport(this, &SharedMemory::b_transport);
    socket.register_get_direct_mem_ptr(this, &SharedMemory::get_dmi);
  }
  void b_transport(int, tlm::tlm_generic_payload& t, sc_time&) {
    const uint64_t a = t.get_address();
    const unsigned len = t.get_data_length();
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    if (a >= base && a + len <= base + size) {
      if (t.is_read()) std::memcpy(t.get_data_ptr(), &mem[a - base], len);
      if (t.is_write()) std::memcpy(&mem[a - base], t.get_data_ptr(), len);
      t.set_dmi_allowed(true);
    } else if (a == VP_BARE_HOST_IO_BASE + VP_BARE_EXIT && t.is_write()) {
      const auto* id = t.get_extension<CoreIdExtension>();
      cores.at(id->core_id)->halt(0);
    } else {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    }
  }
  bool get_dmi(int, tlm::tlm_generic_payload& t, tlm::tlm_dmi& d) {
    if (t.get_address() < base || t.get_address() >= base + size) return false;
    d.set_start_address(base);
    d.set_end_address(base + size - 1);
    d.set_dmi_ptr(mem.data());
    d.allow_read_write();
    return true;
  }
};

}  // namespace

// Banner off before the SystemC kernel first looks, as in vp-run.
int main(int argc, char** argv) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char** argv) {
  std::string elf;
  unsigned n = 1;
  double quantum_cycles = 10000;
  std::string isa = "rv32imc";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--elf") elf = argv[i + 1];
    else if (k == "--cores") n = static_cast<unsigned>(std::stoul(argv[i + 1]));
    else if (k == "--quantum") quantum_cycles = std::stod(argv[i + 1]);
    else if (k == "--isa") isa = argv[i + 1];
  }
  if (elf.empty() || n == 0 || n > 32 || (isa != "rv32imc" && isa != "rv32imc_xcv")) {
    std::fprintf(stderr, "usage: bench_iss --elf FILE [--cores N (1..32)] [--quantum CYCLES] [--isa rv32imc|rv32imc_xcv]\n");
    return 2;
  }
  CoreConfig cfg;  // CV32E40P defaults, 1 GHz
  cfg.isa = isa == "rv32imc_xcv" ? kIsaRv32imcXcv : kIsaRv32imc;  // the interpreter with or without CORE-V handlers
  tlm::tlm_global_quantum::instance().set(cfg.cycle * quantum_cycles);
  const ElfImage img = load_elf(elf);
  SharedMemory memory("memory", 0x80000000u, 1u << 20);
  for (const ElfSegment& s : img.segments) std::memcpy(&memory.mem[s.addr - memory.base], s.bytes.data(), s.bytes.size());
  std::vector<std::unique_ptr<RiscvCore>> cores;
  std::vector<RiscvCore*> raw;
  auto cache = std::make_shared<DecodeCache>();
  for (unsigned i = 0; i < n; ++i) {
    cores.push_back(std::make_unique<RiscvCore>(("core" + std::to_string(i)).c_str(), 0, i, cfg));
    cores.back()->bus.bind(memory.socket);
    cores.back()->set_decode_cache(cache);
    cores.back()->reset(img.entry);
    raw.push_back(cores.back().get());
  }
  memory.cores = raw;
  CoreGroup group("group", raw);
  // CPU time as well as wall time: on a shared host the wall clock also
  // counts other processes' turns.
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  };
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_now();
  sc_core::sc_start();
  const double cpu = cpu_now() - c0;
  const double host = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (group.error()) std::rethrow_exception(group.error());
  uint64_t instret = 0, cycles = 0;
  for (auto& c : cores) {
    if (!c->halted()) {
      std::fprintf(stderr, "core %u did not finish\n", c->core_id());
      return 1;
    }
    instret += c->instret();
    cycles = std::max<uint64_t>(cycles, c->cycles());
  }
  std::printf("%s cores=%u instructions=%llu simulated_cycles=%llu wall_s=%.3f cpu_s=%.3f MIPS_wall=%.1f MIPS_cpu=%.1f\n",
              elf.c_str(), n, static_cast<unsigned long long>(instret), static_cast<unsigned long long>(cycles), host,
              cpu, instret / host / 1e6, instret / cpu / 1e6);
  return 0;
}
