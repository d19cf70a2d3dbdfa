#pragma once
// One cluster of the paper (section II-1, Fig. 1A): RISC-V cores sharing a
// multi-bank L1, an event unit, a DMA, one analog IMA, an instruction memory
// and a master and a slave port on the network. All cores of the cluster run
// from one SystemC thread (rv::CoreGroup), each with its own local time.
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <systemc>

#include "cluster_bus.hpp"
#include "cluster_ctrl.hpp"
#include "cluster_params.hpp"
#include "core_group.hpp"
#include "dma/dma.hpp"
#include "dwconv/dwconv.hpp"
#include "event_unit.hpp"
#include "insn_class.hpp"
#include "ima/ima.hpp"
#include "instruction_memory.hpp"
#include "noc_port.hpp"
#include "riscv_core.hpp"
#include "tcdm/tcdm.hpp"

namespace vp {

class Cluster : public sc_core::sc_module {
 public:
  // `imem` is the instruction memory image, shared by every cluster.
  Cluster(sc_core::sc_module_name name, const ClusterParams& p, std::shared_ptr<std::vector<uint8_t>> imem,
          std::ostream& console);

  // The network side (Fig. 1A): master (cores' remote accesses and DMA) and slave.
  tlm_utils::simple_initiator_socket<NocPort>& master() { return noc_port_.out; }
  tlm_utils::simple_target_socket<ClusterBus>& slave() { return bus_.slave; }

  // Every core starts at `pc` (SPMD), at time zero. Until then the cores are
  // parked (halted), so a platform without firmware stays idle.
  void start(uint32_t pc);
  // One decoded copy of the code for every cluster that runs it (before
  // start): the pages of the instruction memory that [lo, hi) address ranges
  // of `code` touch are decoded once per group of clusters that share one
  // image at the same address with the same core ISA (rv::SharedCode); each
  // cluster keeps its own flow counters and copies a page it must change.
  static void share_decoded_code(const std::vector<Cluster*>& clusters,
                                 const std::vector<std::pair<uint64_t, uint64_t>>& code);
  // The shared code this cluster's cores run (null: none).
  const rv::SharedCode* shared_code() const;
  const std::shared_ptr<std::vector<uint8_t>>& imem_image() const { return imem_image_; }
  // What each core that has not finished waits for: "core 3: asleep, waiting for DMA0, SW1".
  std::vector<std::string> wait_report() const;

  unsigned id() const { return id_; }
  Tcdm& l1() { return l1_; }
  Ima& ima() { return ima_; }
  Dwconv* dwconv() { return dwconv_.get(); }  // null: the cluster has none
  EventUnit& event_unit() { return eu_; }
  ClusterCtrl& ctrl() { return ctrl_; }
  const std::vector<std::unique_ptr<rv::RiscvCore>>& cores() const { return cores_; }
  rv::CoreGroup& core_group() { return *group_; }
  // The parallel simulation's host threads (null: none): the IMA's MVMs run
  // there and its outputs land in L1 before anything may see them (the
  // cores' local phase on their host thread, or an access).
  void set_pool(WorkerPool* pool);
  // Finishes the cores' pending local phase before anything from the network
  // reaches the cluster (rv::QuantumExchange::join_local; ClusterBus::set_join).
  void set_join(const uint8_t* due, std::function<void()> join) { bus_.set_join(due, std::move(join)); }
  // Windowed exchange (posted phases): `touch` runs before a peripheral
  // touches a core (an event line, a halt, a fault), and the IMA's weight
  // port is local only while the IMA is idle when a phase is posted.
  void set_core_join(std::function<void()> touch);

  // The peripherals' registers (event unit, DMA, IMA, control), as debug reads
  // at `at` see them; `at` no later than any master's next access.
  struct PeripheralRegisters {
    std::string block;   // "event_unit", "dma", "ima", "ctrl", "dwconv"
    uint64_t base;       // global address of the block
    RegisterDump registers;
  };
  std::vector<PeripheralRegisters> dump_registers(sc_core::sc_time at) const;
  // The same as text, one register a line: "cluster 3 dma CH0_SRC 0x20600000 = 0x00001000".
  std::string format_registers(sc_core::sc_time at) const;

  bool finished() const;  // exited, or every core halted
  // Cores neither halted nor able to run (asleep with nothing pending).
  std::vector<unsigned> sleeping_cores() const;
  // The cluster's activity counters so far (what stats() reports and the energy model charges).
  struct Counters {
    uint64_t instructions = 0, core_active_cycles = 0, core_sleep_cycles = 0;
    uint64_t l1_accesses = 0, l1_bytes = 0, dma_transfers = 0, dma_bytes = 0;
    uint64_t ima_jobs = 0, ima_rows_driven = 0, ima_columns_converted = 0, ima_cells_used = 0;
    uint64_t ima_cells_programmed = 0;
    uint64_t dwconv_jobs = 0, dwconv_macs = 0;
    rv::ClassCounts instructions_by_class{};  // sums to instructions (insn_class.hpp)
  };
  Counters counters() const;
  nlohmann::json stats() const;
  // Activity tracing of the DMA, the IMA, the cores' phases and their wfi
  // sleeps (null: off).
  void set_tracer(ActivityTracer* t) {
    dma_.set_tracer(t);
    ima_.set_tracer(t);
    if (dwconv_) dwconv_->set_tracer(t);
    ctrl_.set_tracer(t);
    sleep_trace_.tracer = t;
    for (auto& c : cores_) c->set_sleep_observer(t ? &sleep_trace_ : nullptr);
  }

 private:
  void join_cores() {
    if (core_join_) core_join_();
  }
  std::function<void()> core_join_;
  // Forwards the cores' sleeps to the tracer.
  struct SleepTrace : rv::SleepObserver {
    ActivityTracer* tracer = nullptr;
    void slept(const rv::RiscvCore& core, sc_core::sc_time begin, sc_core::sc_time end) override {
      tracer->span(core.cluster_id(), TraceUnit::kCoreSleep, core.core_id(), 0, begin, end);
    }
  };

  rv::ClassCounts instructions_by_class(uint64_t instructions) const;
  // Whether the cores fetch every address of the instruction memory from it
  // (no L1 or peripheral window of this cluster over any part of it).
  bool fetches_whole_imem() const;

  unsigned id_;
  mutable uint64_t by_class_instret_ = 0;  // instructions when by_class_ was folded
  mutable rv::ClassCounts by_class_{};
  uint64_t peripherals_base_;  // global address of this cluster's peripherals
  ClusterMap map_;
  uint32_t isa_;               // the cores' (core.isa)
  std::shared_ptr<std::vector<uint8_t>> imem_image_;
  Tcdm l1_;
  EventUnit eu_;
  Dma dma_;
  Ima ima_;
  std::unique_ptr<Dwconv> dwconv_;
  ClusterCtrl ctrl_;
  InstructionMemory imem_;
  ClusterBus bus_;
  NocPort noc_port_;
  std::vector<std::unique_ptr<rv::RiscvCore>> cores_;
  std::unique_ptr<rv::CoreGroup> group_;
  SleepTrace sleep_trace_;
};

}  // namespace vp
