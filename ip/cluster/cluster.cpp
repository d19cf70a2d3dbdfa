#include "cluster.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dwconv_regs.h"
#include "ima_regs.h"

namespace vp {

using sc_core::sc_time;

namespace {
constexpr unsigned kMeipLine = 11;  // the event unit drives each core's machine external interrupt
}

Cluster::Cluster(sc_core::sc_module_name name, const ClusterParams& p, std::shared_ptr<std::vector<uint8_t>> imem,
                 std::ostream& console)
    : sc_module(name),
      id_(p.id),
      peripherals_base_(p.map.global_base + uint64_t(p.id) * p.map.stride + p.map.peripherals_offset),
      map_(p.map),
      isa_(p.core.isa),
      imem_image_(imem),
      l1_("l1", p.l1),
      eu_("event_unit", p.event_unit),
      dma_("dma", p.dma),
      ima_("ima", p.ima),
      ctrl_("ctrl", p, console),
      imem_("imem", std::move(imem), p.imem_latency),
      bus_("bus", p),
      noc_port_("noc_port") {
  std::vector<rv::RiscvCore*> raw;
  auto icache = std::make_shared<rv::DecodeCache>();
  for (unsigned c = 0; c < p.cores; ++c) {
    cores_.push_back(std::make_unique<rv::RiscvCore>(fmt::format("core{}", c).c_str(), p.id, c, p.core));
    cores_.back()->set_decode_cache(icache);  // same code, same addresses: one decoded copy
    cores_.back()->bus.bind(bus_.cores);
    raw.push_back(cores_.back().get());
  }
  for (auto& c : cores_) c->halt(0);  // parked until start()
  group_ = std::make_unique<rv::CoreGroup>("cores", raw);

  bus_.to_l1.bind(l1_.socket);
  bus_.to_event_unit.bind(eu_.socket);
  bus_.to_dma.bind(dma_.regs);
  bus_.to_ima.bind(ima_.regs);
  bus_.to_ctrl.bind(ctrl_.socket);
  bus_.to_imem.bind(imem_.socket);
  bus_.to_noc.bind(noc_port_.in);
  dma_.l1.bind(l1_.socket);
  dma_.noc.bind(noc_port_.in);
  ima_.l1.bind(l1_.socket);
  ima_.set_l1_bursts(true);  // its L1 is this Tcdm
  // The DMA's and the IMA's parameter registers, in both windows the bus
  // decodes as this cluster's peripherals: the cores access them without the
  // bus, so programming a transfer or a job, or writing weights, keeps them
  // in their local phase (docs/architecture.md, "Parallel simulation").
  for (uint64_t window : {p.map.local_base, p.map.global_base + uint64_t(p.id) * p.map.stride}) {
    const uint64_t periph = window + p.map.peripherals_offset;
    if (periph + CLUSTER_PERIPH_SIZE > 0x100000000ull) continue;  // beyond the cores' reach
    for (auto& c : cores_) {
      c->add_local_target(static_cast<uint32_t>(periph + CLUSTER_PERIPH_DMA), 0x1000, dma_.local_registers());
      if (RegisterFile* r = ima_.local_registers())
        c->add_local_target(static_cast<uint32_t>(periph + CLUSTER_PERIPH_IMA), 0x1000, r);
    }
  }
  if (p.dwconv.present) {
    dwconv_ = std::make_unique<Dwconv>("dwconv", p.dwconv);
    bus_.to_dwconv.bind(dwconv_->regs);
    dwconv_->l1.bind(l1_.socket);
    dwconv_->set_event_callback([this](unsigned, sc_time at) { eu_.trigger_line(EU_LINE_DWCONV_DONE, at); });
  }

  // Completion events become event-unit lines; the event unit's per-core
  // output is the core's wake-up line.
  dma_.set_event_callback([this](unsigned line, sc_time at) { eu_.trigger_line(EU_LINE_DMA(line), at); });
  ima_.set_event_callback([this](unsigned line, sc_time at) {
    eu_.trigger_line(line == IMA_EVENT_DONE ? EU_LINE_IMA_DONE : EU_LINE_IMA_READY, at);
  });
  const sc_time wake = p.wake_latency;
  eu_.on_core_line = [this, wake](unsigned core, bool level, sc_time at) {
    join_cores();
    cores_.at(core)->set_irq(kMeipLine, level, level ? at + wake : at);
  };
  ctrl_.on_core_halt = [this](unsigned core, sc_time) {
    join_cores();
    cores_.at(core)->halt(0);
  };
  ctrl_.on_exit = [this](int code, sc_time) {
    join_cores();
    for (auto& c : cores_) c->halt(code);
  };
  ctrl_.on_fault = [this](unsigned core, int code, const std::string& message) {
    join_cores();
    cores_.at(core)->fault_at_access(fmt::format("firmware fault (code {})", code), message);
  };
}

void Cluster::set_core_join(std::function<void()> touch) {
  core_join_ = std::move(touch);
  // A posted phase runs while the IMA's process may: its weight port is
  // local only if the IMA has nothing queued or in flight when the phase is
  // posted, and it stays so until the phase is collected (a trigger takes
  // the bus, and anything reaching the cluster first joins the phase).
  group_->set_before_post([this] { ima_.set_local_phases_overlap(!ima_.idle()); });
}

void Cluster::start(uint32_t pc) {
  for (auto& c : cores_) c->reset(pc);
}

bool Cluster::fetches_whole_imem() const {
  const uint64_t lo = map_.imem_base, hi = map_.imem_base + map_.imem_size;
  const auto overlaps = [&](uint64_t base, uint64_t size) { return base < hi && lo < base + size; };
  for (uint64_t base : {map_.local_base, map_.global_base + uint64_t(id_) * map_.stride})
    if (overlaps(base, map_.l1_size) || overlaps(base + map_.peripherals_offset, CLUSTER_PERIPH_SIZE)) return false;
  return hi <= (uint64_t(1) << 32);
}

const rv::SharedCode* Cluster::shared_code() const { return cores_.empty() ? nullptr : cores_.front()->decode_cache()->shared(); }

void Cluster::share_decoded_code(const std::vector<Cluster*>& clusters,
                                 const std::vector<std::pair<uint64_t, uint64_t>>& code) {
  // Identical code: the same image (one host buffer), at the same address,
  // decoded for the same ISA, by cores whose caches have not run yet.
  using Key = std::tuple<const void*, uint64_t, uint64_t, uint32_t>;
  std::map<Key, std::shared_ptr<const rv::SharedCode>> made;
  for (Cluster* c : clusters) {
    if (c->cores_.empty() || !c->fetches_whole_imem() || c->cores_.front()->decode_cache()->pages() != 0) continue;
    const auto& image = c->imem_image_;
    const Key key{image.get(), c->map_.imem_base, c->map_.imem_size, c->isa_};
    auto& shared = made[key];
    if (!shared) {
      if (image->size() != c->map_.imem_size) continue;
      shared = std::make_shared<const rv::SharedCode>(image->data(), uint32_t(c->map_.imem_base),
                                                      uint32_t(c->map_.imem_size), image.get(), c->isa_,
                                                      c->cores_.front()->fast_handlers(), code);
    }
    c->cores_.front()->decode_cache()->share(shared);  // the cluster's one cache (constructor)
  }
}

std::vector<Cluster::PeripheralRegisters> Cluster::dump_registers(sc_time at) const {
  std::vector<PeripheralRegisters> out = {
      {"event_unit", peripherals_base_ + CLUSTER_PERIPH_EVENT_UNIT, eu_.dump_registers(at)},
      {"dma", peripherals_base_ + CLUSTER_PERIPH_DMA, dma_.dump_registers(at)},
      {"ima", peripherals_base_ + CLUSTER_PERIPH_IMA, ima_.dump_registers(at)},
      {"ctrl", peripherals_base_ + CLUSTER_PERIPH_CTRL, ctrl_.dump_registers()}};
  if (dwconv_) out.push_back({"dwconv", peripherals_base_ + CLUSTER_PERIPH_DWCONV, dwconv_->dump_registers(at)});
  return out;
}

std::string Cluster::format_registers(sc_time at) const {
  std::string out;
  for (const auto& block : dump_registers(at))
    for (const auto& r : block.registers)
      out += fmt::format("cluster {} {:<10} {:<16} {:#010x} = {:#010x}\n", id_, block.block, r.name,
                         block.base + r.offset, r.value);
  return out;
}

bool Cluster::finished() const {
  if (ctrl_.exited()) return true;
  for (const auto& c : cores_)
    if (!c->halted()) return false;
  return true;
}

std::vector<unsigned> Cluster::sleeping_cores() const {
  std::vector<unsigned> out;
  for (const auto& c : cores_)
    if (!c->halted() && c->sleeping()) out.push_back(c->core_id());
  return out;
}

static std::string line_name(unsigned line) {
  if (line < EU_NUM_SW_LINES) return fmt::format("SW{}", line);
  if (line == EU_LINE_BARRIER) return "barrier";
  if (line == EU_LINE_DISPATCH) return "dispatch";
  if (line >= EU_LINE_DMA(0) && line < EU_LINE_DMA(8)) return fmt::format("DMA{}", line - EU_LINE_DMA(0));
  if (line == EU_LINE_IMA_DONE) return "IMA-done";
  if (line == EU_LINE_IMA_READY) return "IMA-ready";
  if (line == EU_LINE_DWCONV_DONE) return "DWCONV-done";
  return fmt::format("line{}", line);
}

std::vector<std::string> Cluster::wait_report() const {
  std::vector<std::string> out;
  for (const auto& c : cores_) {
    if (c->halted()) continue;
    std::vector<std::string> lines;
    for (unsigned l = 0; l < EU_NUM_LINES; ++l)
      if (eu_.mask(c->core_id()) >> l & 1) lines.push_back(line_name(l));
    if (!c->sleeping()) {
      out.push_back(fmt::format("core {}: running at pc {:#010x}", c->core_id(), c->pc()));
      continue;
    }
    out.push_back(fmt::format("core {}: asleep{} at pc {:#010x}, waiting for {}", c->core_id(),
                              c->sleeping_in_elw() ? " in cv.elw" : "", c->pc(),
                              lines.empty() ? std::string("no event (its mask is empty)")
                                            : fmt::format("{}", fmt::join(lines, ", "))));
  }
  return out;
}

// Per-operation counts live in the decode caches: the cluster's shared one
// and the debug step path's of each core that stepped. Folding them walks the
// caches, so it is redone only when the cores ran since the last time (power
// samples read the counters of every cluster).
rv::ClassCounts Cluster::instructions_by_class(uint64_t instructions) const {
  if (instructions == by_class_instret_) return by_class_;
  std::vector<const rv::DecodeCache*> caches;
  for (const auto& c : cores_)
    for (const rv::DecodeCache* dc : {static_cast<const rv::DecodeCache*>(c->decode_cache().get()), c->step_decode_cache()})
      if (dc && std::find(caches.begin(), caches.end(), dc) == caches.end()) caches.push_back(dc);
  std::vector<uint64_t> per_op;
  for (const rv::DecodeCache* dc : caches) dc->op_counts(per_op);
  by_class_instret_ = instructions;
  return by_class_ = rv::class_counts(per_op);
}

Cluster::Counters Cluster::counters() const {
  Counters n;
  for (const auto& c : cores_)
    n.instructions += c->instret(), n.core_active_cycles += c->cycles(), n.core_sleep_cycles += c->sleep_cycles();
  n.instructions_by_class = instructions_by_class(n.instructions);
  n.l1_accesses = l1_.accesses(), n.l1_bytes = l1_.bytes();
  n.dma_transfers = dma_.transfers(), n.dma_bytes = dma_.bytes();
  n.ima_jobs = ima_.jobs_done(), n.ima_rows_driven = ima_.rows_driven();
  n.ima_columns_converted = ima_.columns_converted(), n.ima_cells_used = ima_.cells_used();
  n.ima_cells_programmed = ima_.cells_programmed();
  if (dwconv_) n.dwconv_jobs = dwconv_->jobs_done(), n.dwconv_macs = dwconv_->macs();
  return n;
}

nlohmann::json Cluster::stats() const {
  nlohmann::json j;
  const Counters n = counters();
  j["cluster"] = id_;
  j["instructions"] = n.instructions;
  for (size_t k = 0; k < rv::kInsnClasses; ++k) j["instructions_by_class"][rv::kInsnClassNames[k]] = n.instructions_by_class[k];
  j["core_active_cycles"] = n.core_active_cycles;
  j["core_sleep_cycles"] = n.core_sleep_cycles;
  j["event_loads_held"] = eu_.held_loads();  // cv.elw reads the event unit held back (the core slept)
  j["exit_code"] = ctrl_.exit_code();
  j["exited"] = ctrl_.exited();
  j["ima_jobs"] = n.ima_jobs;
  j["ima_compute_ns"] = ima_.compute_time().to_seconds() * 1e9;
  j["ima_rows_driven"] = n.ima_rows_driven;
  j["ima_columns_converted"] = n.ima_columns_converted;
  j["ima_cells_used"] = n.ima_cells_used;
  j["ima_programs"] = ima_.programs_done();  // weight reloading (IMA_KIND_PROGRAM)
  j["ima_cells_programmed"] = n.ima_cells_programmed;
  j["ima_program_ns"] = ima_.program_time().to_seconds() * 1e9;
  if (dwconv_) {
    j["dwconv_convolutions"] = dwconv_->convolutions_done();
    j["dwconv_jobs"] = n.dwconv_jobs;
    j["dwconv_macs"] = n.dwconv_macs;
    j["dwconv_compute_ns"] = dwconv_->compute_time().to_seconds() * 1e9;
  }
  j["l1_accesses"] = n.l1_accesses;  // DMA, IMA streamers and network; the cores' own accesses are DMI
  j["l1_bytes"] = n.l1_bytes;
  j["dma_transfers"] = n.dma_transfers;
  j["dma_bytes"] = n.dma_bytes;
  j["l1_conflict_cycles"] = l1_.conflict_cycles();
  j["noc_transactions"] = noc_port_.transactions();
  j["exit_ns"] = ctrl_.exited() ? ctrl_.exit_time().to_seconds() * 1e9 : 0.0;
  // Time the cores spent in each phase the firmware marked (summed over cores).
  static const char* const kPhaseNames[CLUSTER_NUM_PHASES] = CLUSTER_PHASE_NAMES;
  // And core 0's alone: the core that drives the DMA, the IMA and the flow
  // (the pipeline diagnosis reads its waits).
  nlohmann::json phases, core0;
  for (unsigned p = 0; p < CLUSTER_NUM_PHASES; ++p) {
    double ns = 0;
    for (const auto& c : cores_) ns += ctrl_.phase_time(c->core_id(), p).to_seconds() * 1e9;
    phases[kPhaseNames[p]] = ns;
    core0[kPhaseNames[p]] = ctrl_.phase_time(0, p).to_seconds() * 1e9;
  }
  j["phase_ns"] = phases;
  j["core0_phase_ns"] = core0;
  if (!ctrl_.image_marks().empty()) {
    nlohmann::json marks = nlohmann::json::array();
    for (const auto& [image, at] : ctrl_.image_marks()) marks.push_back({{"image", image}, {"ns", at.to_seconds() * 1e9}});
    j["image_done"] = marks;
  }
  j["cores"] = cores_.size();
  return j;
}

void Cluster::set_pool(WorkerPool* pool) {
  ima_.set_pool(pool, /*l1_defers=*/true);  // its L1 is this Tcdm
  group_->set_before_run([this] { l1_.flush(); });
}

}  // namespace vp
