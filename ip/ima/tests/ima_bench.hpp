#pragma once
// An IMA with its L1, driven by a register master whose thread runs the test body.
#include "register_access.hpp"
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>

#include "ima/ima.hpp"
#include "ima_regs.h"
#include "tcdm/tcdm.hpp"
#include "params/ip_params.hpp"

namespace imatest {

using namespace sc_core;

constexpr uint32_t kL1 = 0x10000000;  // cluster-local alias of L1

// The job registers of one sequence (reset values where a test leaves them).
struct JobRegs {
  uint32_t src = 0, dst = 0, src_stride = 0, dst_stride = 0;
  uint32_t row0 = 0, rows = 256, col0 = 0, cols = 256, jobs = 1, out_size = 1;
  uint32_t adc_shift = 0;  // written with the override bit when `override_shift`
  bool override_shift = false;
  uint32_t block_len = 0, block_stride = 0, block_offset = 0;
  uint32_t kind = IMA_KIND_MVM;  // JOB_KIND
};

struct Bench : sc_module {
  vp::Tcdm l1;
  vp::Ima ima;
  tlm_utils::simple_initiator_socket<Bench> master;
  tlm_utils::simple_initiator_socket<Bench> other;  // another L1 master (a DMA, a remote write)
  std::function<void()> body;
  std::vector<std::pair<unsigned, sc_time>> events;
  SC_HAS_PROCESS(Bench);
  Bench(sc_module_name n, const vp::Config& cfg) : sc_module(n), l1("l1", vp::bind_tcdm(cfg)), ima("ima", vp::bind_ima(cfg, 0)), master("master"), other("other") {
    ima.l1.bind(l1.socket);
    other.bind(l1.socket);
    master.bind(ima.regs);
    ima.set_event_callback([this](unsigned line, sc_time at) { events.emplace_back(line, at); });
    SC_THREAD(run);
  }
  void run() { body(); }

  uint32_t reg(tlm::tlm_command cmd, uint32_t off, uint32_t v = 0) {
    return vp::test::register_access(master, cmd, off, v);
  }
  void write(uint32_t off, uint32_t v) { reg(tlm::TLM_WRITE_COMMAND, off, v); }
  uint32_t read(uint32_t off) { return reg(tlm::TLM_READ_COMMAND, off); }

  // Programs the job registers and triggers; returns the time of the trigger write.
  sc_time trigger(const JobRegs& j) {
    write(IMA_REG_SRC_ADDR, j.src);
    write(IMA_REG_DST_ADDR, j.dst);
    write(IMA_REG_SRC_STRIDE, j.src_stride);
    write(IMA_REG_DST_STRIDE, j.dst_stride);
    write(IMA_REG_ROW_OFFSET, j.row0);
    write(IMA_REG_ROWS, j.rows);
    write(IMA_REG_COL_OFFSET, j.col0);
    write(IMA_REG_COLS, j.cols);
    write(IMA_REG_JOBS, j.jobs);
    write(IMA_REG_OUT_SIZE, j.out_size);
    write(IMA_REG_ADC_SHIFT, j.adc_shift | (j.override_shift ? IMA_ADC_SHIFT_OVERRIDE : 0u));
    write(IMA_REG_IN_BLOCK_LEN, j.block_len);
    write(IMA_REG_IN_BLOCK_STRIDE, j.block_stride);
    write(IMA_REG_IN_BLOCK_OFFSET, j.block_offset);
    write(IMA_REG_JOB_KIND, j.kind);
    const sc_time at = sc_time_stamp();
    write(IMA_REG_TRIGGER, 1);
    return at;
  }
  void wait_idle(sc_time poll = sc_time(50, SC_NS)) {
    while (read(IMA_REG_STATUS) & IMA_STATUS_BUSY) wait(poll);
  }
  // Time of the n-th (0-based) event of `line`.
  sc_time event_time(unsigned line, unsigned n = 0) const {
    for (const auto& e : events)
      if (e.first == line && n-- == 0) return e.second;
    throw std::runtime_error("no such event");
  }
};

// The error one sequence `j` stops the simulation with on cluster-1 (with `ov` set), "" if none.
inline std::string error_of(const JobRegs& j, const std::vector<std::string>& ov = {}) {
  const auto cfg = vp::Config::load("cluster-1", ov);
  Bench tb("tb", cfg);
  tb.body = [&] {
    tb.trigger(j);
    tb.wait_idle();
  };
  try {
    sc_start();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace imatest
