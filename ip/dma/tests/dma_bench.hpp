#pragma once
// A DMA with its L1 and a plain memory standing in for the network (HBM at
// 0x8000_0000 behind a fixed latency and a 64-byte-per-cycle port), driven by
// a register master whose thread runs the test body.
#include "register_access.hpp"
#include <functional>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "dma/dma.hpp"
#include "dma_regs.h"
#include "tcdm/tcdm.hpp"
#include "params/ip_params.hpp"

namespace dmatest {

using namespace sc_core;

constexpr uint32_t kL1 = 0x10000000;   // cluster-local alias of L1
constexpr uint32_t kFar = 0x80000000;  // HBM base

struct FarMemory : sc_module {
  tlm_utils::simple_target_socket<FarMemory> socket;
  std::vector<uint8_t> mem;
  sc_time cycle, latency;
  unsigned width;
  sc_time next_free;
  FarMemory(sc_module_name n, size_t size, unsigned latency_cycles, unsigned width_bytes)
      : sc_module(n), socket("socket"), mem(size), cycle(1, SC_NS),
        latency(cycle * latency_cycles), width(width_bytes) {
    socket.register_b_transport(this, &FarMemory::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& tx, sc_time& delay) {
    const uint64_t a = tx.get_address();
    const unsigned n = tx.get_data_length();
    if (a < kFar || a - kFar + n > mem.size()) {
      tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    const sc_time t = sc_time_stamp() + delay;
    const sc_time start = std::max(t, next_free);
    const sc_time busy = cycle * double((n + width - 1) / width);
    next_free = start + busy;
    delay += (start - t) + busy + latency;
    uint8_t* m = mem.data() + (a - kFar);
    if (tx.is_read()) std::copy(m, m + n, tx.get_data_ptr());
    else std::copy(tx.get_data_ptr(), tx.get_data_ptr() + n, m);
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  uint8_t* at(uint32_t addr) { return mem.data() + (addr - kFar); }
};

struct Bench : sc_module {
  vp::Tcdm l1;
  vp::Dma dma;
  FarMemory far;
  tlm_utils::simple_initiator_socket<Bench> master;
  std::function<void()> body;
  std::vector<std::pair<unsigned, sc_time>> events;
  SC_HAS_PROCESS(Bench);
  Bench(sc_module_name n, const vp::Config& cfg, unsigned far_latency)
      : sc_module(n), l1("l1", vp::bind_tcdm(cfg)), dma("dma", vp::bind_dma(cfg, 0)), far("far", 1 << 20, far_latency, 64),
        master("master") {
    dma.l1.bind(l1.socket);
    dma.noc.bind(far.socket);
    master.bind(dma.regs);
    dma.set_event_callback([this](unsigned line, sc_time at) { events.emplace_back(line, at); });
    SC_THREAD(run);
  }
  void run() { body(); }

  // Register access from the master at the current simulated time.
  uint32_t reg(tlm::tlm_command cmd, uint32_t off, uint32_t v = 0) {
    return vp::test::register_access(master, cmd, off, v);
  }
  void write(uint32_t off, uint32_t v) { reg(tlm::TLM_WRITE_COMMAND, off, v); }
  uint32_t read(uint32_t off) { return reg(tlm::TLM_READ_COMMAND, off); }

  void start(unsigned ch, uint32_t dst, uint32_t src, uint32_t len, uint32_t reps = 1,
             uint32_t dst_stride = 0, uint32_t src_stride = 0) {
    const uint32_t b = DMA_CH_BASE(ch);
    write(b + DMA_CH_SRC, src);
    write(b + DMA_CH_DST, dst);
    write(b + DMA_CH_LEN, len);
    write(b + DMA_CH_REPS, reps);
    write(b + DMA_CH_SRC_STRIDE, src_stride);
    write(b + DMA_CH_DST_STRIDE, dst_stride);
    write(b + DMA_CH_CMD, DMA_CMD_START);
  }
  // Polls the channel status every `poll` ns until idle.
  void wait_idle(unsigned ch, sc_time poll = sc_time(10, SC_NS)) {
    while (read(DMA_CH_BASE(ch) + DMA_CH_STATUS) & DMA_STATUS_BUSY) wait(poll);
  }
  uint8_t* host(uint32_t addr) { return addr >= kFar ? far.at(addr) : l1.data() + (addr - kL1); }
};

}  // namespace dmatest
