// The manycore platform: clusters joined by the AXI tree to the HBM, running
// one firmware image SPMD on every cluster.
#include "mapping_format.h"
#include "manycore/manycore_platform.hpp"

#include <chrono>
#include <filesystem>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>

#include "cluster.hpp"
#include "cluster_firmware.hpp"
#include "quantum_exchange.hpp"
#include "dataflow_job/boot_end_recorder.hpp"
#include "dataflow_job/dataflow_job.hpp"
#include "manycore/noc_builder.hpp"
#include "energy/energy_model.hpp"
#include "energy/power_sampler.hpp"
#include "manycore/console_router.hpp"
#include "manycore/progress.hpp"
#include "config/cluster_classes.hpp"
#include "config/output_file.hpp"
#include "params/ip_params.hpp"
#include "golden_run.hpp"
#include "sim/huge_pages.hpp"
#include "top/platform_builders.hpp"
#include "gdb/debug_session.hpp"
#include "trace/activity_recorder.hpp"
#include "trace/timeline_writer.hpp"
#include "trace/fst_writer.hpp"
#include "trace/gtkw_writer.hpp"
#include "trace/vcd_writer.hpp"

namespace vp {
namespace {

class ManycorePlatform : public Platform, public sc_core::sc_module {
 public:
  ManycorePlatform(sc_core::sc_module_name name, const Config& cfg, const ClusterFactory& factory)
      : sc_core::sc_module(name), cfg_(cfg), map_(cfg), noc_("noc", cfg, map_) {
    const sc_core::sc_time cycle(1.0 / cfg.get_float("clock_hz"), sc_core::SC_SEC);
    tlm::tlm_global_quantum::instance().set(cycle * double(cfg.get_int("simulation.quantum_cycles")));
    for (int i = 0; i < map_.clusters(); ++i) {
      clusters_.push_back(factory(i, cfg, map_));
      noc_.attach_cluster(i, clusters_.back().ports);
      if (auto* c = dynamic_cast<Cluster*>(clusters_.back().module.get())) models_.push_back(c);
    }
    std::vector<rv::CoreGroup*> groups;
    for (Cluster* c : models_) groups.push_back(&c->core_group());
    exchange_ = std::make_unique<rv::QuantumExchange>("exchange", groups);
  }

  void load(const RunRequest& req) override {
    // The firmware console: to --console FILE (collected, written at the end),
    // on stdout for a program, hidden for a dataflow job unless --verbose.
    ConsoleRouter& console = ConsoleRouter::instance();
    if (!req.console.empty())
      console.route_to(&console_text_);
    else if (req.verbose || !req.dataflow)
      console.route_to(&std::cout);
    else
      console.route_to(nullptr);
    if (req.elf.empty()) return;  // no firmware: the cores stay parked
    if (req.elf.size() > 1) throw SimulationError("the manycore platform runs one firmware image on every cluster");
    if (models_.size() != clusters_.size()) throw SimulationError("this platform's cluster slots hold no cores");
    ClusterFirmware fw = ClusterFirmware::load(req.elf.front(), bind_cluster_map(cfg_), [this](uint32_t a, uint64_t n) {
      const auto within = [&](uint64_t base, uint64_t size) { return a >= base && a - base <= size && n <= size - (a - base); };
      return within(map_.hbm_base(), map_.hbm_size()) || within(map_.cluster_base(0), map_.clusters_end() - map_.cluster_base(0))
                 ? std::string()
                 : std::string("outside the platform's memory");
    });
    check_core_count(fw);
    // One instruction memory image is shared by every cluster.
    *models_.front()->imem_image() = *fw.imem;
    for (Cluster* c : models_) {
      for (const auto& p : fw.l1) c->l1().write(p.addr, p.bytes.data(), p.bytes.size());
      c->start(fw.entry);
    }
    for (const auto& p : fw.global)
      if (!noc_.debug_write(p.addr, p.bytes.data(), p.bytes.size()))
        throw SimulationError(fmt::format("{}: segment at {:#x} ({} bytes) is outside the platform's memory",
                                          fw.path, p.addr, p.bytes.size()));
    if (req.dataflow)
      dataflow::install(
          *req.dataflow, fw.elf.symbol(DF_BOOT_SYMBOL), fw.path, cfg_,
          [&](uint64_t a, const void* d, size_t n) { return noc_.debug_write(a, d, n); },
          [&](uint64_t off, const void* d, size_t n) {
            for (Cluster* c : models_) c->l1().write(off, static_cast<const uint8_t*>(d), n);
          });
    // The firmware's code decoded once for every cluster that runs the same
    // image (all of them here), now that the image is complete.
    std::vector<std::pair<uint64_t, uint64_t>> code;
    for (const auto& seg : fw.elf.segments) code.push_back({seg.addr, uint64_t(seg.addr) + seg.bytes.size()});
    Cluster::share_decoded_code(models_, code);
    loaded_ = true;
    if (DebugSession::wanted(req)) {  // --gdb, --itrace
      std::vector<rv::CoreGroup*> groups;
      for (Cluster* c : models_) groups.push_back(&c->core_group());
      debug_ = std::make_unique<DebugSession>(req, groups, max_cluster_cores(cfg_));
      debug_->set_monitor([this](const std::string& cmd, const rv::RiscvCore& stopped) {
        return monitor(cmd, stopped.cluster_id());
      });
    }
    // The quantum exchange (simulation.threads, --threads); debug hooks are
    // not thread-safe, so --gdb and --itrace run it on one host thread.
    // -1 (the default): every host core.
    const int64_t key = cfg_.get_int("simulation.threads");
    unsigned threads = key >= 0 ? unsigned(key) : std::max(1u, std::thread::hardware_concurrency());
    if (threads > 1 && debug_) {
      if (!req.quiet) std::cerr << fmt::format("vp-run: note: --gdb and --itrace run on 1 host thread, not {}\n", threads);
      threads = 1;
    }
    exchange_->enable(threads, uint64_t(cfg_.get_int("simulation.batch_cycles")));
    for (Cluster* c : models_) c->set_pool(exchange_->pool());  // the MVMs on the same host threads
    if (exchange_->threads() > 0 && exchange_->batch_cycles() > 0)  // posted phases: L1, slave port and cores join
      for (size_t i = 0; i < models_.size(); ++i) {
        auto join = [x = exchange_.get(), i] { x->join(i); };
        models_[i]->l1().set_join(exchange_->pending_flag(i), join);
        models_[i]->set_join(exchange_->pending_flag(i), join);
        models_[i]->set_core_join([x = exchange_.get(), i] { x->touch(i); });
      }
    else if (exchange_->threads() > 0)  // pipelined rounds: the network joins a cluster's local phase
      for (size_t i = 0; i < models_.size(); ++i)
        models_[i]->set_join(exchange_->local_due_flag(i), [x = exchange_.get(), i] { x->join_local(i); });
    if (!req.timeline.empty() || !req.vcd.empty() || !req.fst.empty()) {
      // Only the traced clusters get a tracer: the others pay nothing.
      const int n = int(models_.size());
      const int first = req.trace_first >= 0 ? req.trace_first : 0;
      const int last = req.trace_last >= 0 ? std::min(req.trace_last, n - 1) : std::min(n, 16) - 1;
      recorder_ = std::make_unique<ActivityRecorder>();
      for (int i = first; i <= last; ++i) {
        models_[size_t(i)]->set_tracer(recorder_.get());
        traced_.push_back(unsigned(i));
      }
      // The network links those clusters use, up to the HBM.
      if (!req.vcd.empty() || !req.fst.empty()) traced_links_ = noc_.trace_links(traced_, recorder_.get());
    }
    if (req.dataflow) {
      // Boot ends per core for the job's breakdown; traced clusters still reach the timeline.
      boot_ends_ = std::make_unique<dataflow::BootEndRecorder>(unsigned(models_.size()), max_cluster_cores(cfg_));
      for (unsigned i : traced_) boot_ends_->forward(i, recorder_.get());
      for (Cluster* c : models_) c->ctrl().set_tracer(boot_ends_.get());
    }
  }

  // A cluster firmware's linker script reserves stacks and TLS for
  // __max_cores cores per cluster (firmware/cluster/cluster.ld): a core past
  // them would run with no stack. The ELF carries that one fact; a cluster
  // with more cores is the platform key's error.
  void check_core_count(const ClusterFirmware& fw) const {
    const auto max = fw.elf.symbol("__max_cores");
    if (!max) return;
    for (unsigned id = 0; id < unsigned(models_.size()); ++id) {
      const std::string key = cluster_key(cfg_, id, "cores");
      const int64_t cores = cfg_.get_int(key);
      if (cores > int64_t(*max))
        cfg_.fail(key, fmt::format("{} cores per cluster, but {} reserves stacks for {} (its __max_cores, "
                                   "firmware/cluster/cluster.ld)",
                                   cores, fw.path, *max));
    }
  }

  // The clusters a dataflow mapping uses, by id (none given: all).
  energy::UsedClusters used_clusters(const RunRequest& req) const {
    energy::UsedClusters used;
    if (!req.dataflow) return used;
    used.assign(models_.size(), 0);
    for (const auto& c : req.dataflow->mapping.clusters)
      if (c.role != map::Role::Idle && size_t(c.id) < used.size()) used[size_t(c.id)] = 1;
    return used;
  }

  RunResult run(const RunRequest& req) override {
    // With traces, the power of the traced clusters and of the platform every energy.power_sample_cycles.
    std::unique_ptr<energy::PowerSampler> power;
    if (recorder_) {
      power = std::make_unique<energy::PowerSampler>(
          unsigned(models_.size()), used_clusters(req), traced_,
          energy::bind_energy(cfg_),
          [this](unsigned c) { return activity_of(*models_[c]); },
          [this](double& level_bytes, double& hbm_bytes) { shared_bytes(level_bytes, hbm_bytes); }, recorder_.get());
    }
    const sc_core::sc_time sample =
        double(cfg_.get_int("energy.power_sample_cycles")) * sc_core::sc_time(1.0 / cfg_.get_float("clock_hz"), sc_core::SC_SEC);
    Progress progress(models_, !req.quiet && isatty(STDERR_FILENO), sample,
                      power ? std::function<void(const sc_core::sc_time&)>(
                                  [&power](const sc_core::sc_time& now) { power->sample(now); })
                            : nullptr);
    if (debug_) debug_->start();
    // The output check's golden model needs only the inputs and weights: it
    // runs on a host thread of its own at idle priority, in the host time the
    // simulation leaves, started by vp-run before elaboration if it could;
    // the check computes what it has not (workload/golden_run.hpp).
    std::shared_ptr<workload::GoldenRun> golden;
    if (req.dataflow && loaded_)
      golden = req.golden && &req.golden->job() == req.dataflow.get() ? req.golden
                                                                        : std::make_shared<workload::GoldenRun>(req.dataflow);
    const auto host0 = std::chrono::steady_clock::now();
    run_kernel(req.max_time);
    // Windowed: the clusters' posted phases are brought to the horizon (or,
    // after a failure, stopped), so what follows reads them as the schedule left them.
    if (exchange_->threads() > 0) {
      bool failed = false;
      for (Cluster* c : models_) failed |= c->core_group().error() != nullptr;
      exchange_->join_all(failed);
    }
    const double host_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - host0).count();
    progress.done();
    for (Cluster* c : models_) c->ctrl().flush_console();
    finish_console(req);
    if (req.dump_registers >= 0 && size_t(req.dump_registers) < models_.size())  // also after a fault
      std::cout << models_[size_t(req.dump_registers)]->format_registers(sc_core::sc_time_stamp()) << std::flush;
    write_traces(req);
    if (debug_) debug_->finish();

    RunResult r;
    for (Cluster* c : models_)
      if (auto e = c->core_group().error()) std::rethrow_exception(e);  // a firmware fault: exit 1 with its report
    r.stats = summary(host_s);
    // Energy over the whole run; a dataflow mapping's unused clusters are those it gates.
    r.stats["energy"] = energy::run_energy(r.stats, sc_core::sc_time_stamp().to_seconds() * 1e9, used_clusters(req),
                                           energy::bind_energy(cfg_));
    r.stats["area"] = energy::platform_area(energy::bind_cluster_shapes(cfg_), energy::bind_area(cfg_));
    if (!loaded_) return r;

    std::vector<std::string> waiting;
    int failed_exit = 0;
    for (Cluster* c : models_) {
      if (c->finished()) {
        if (c->ctrl().exit_code() != 0 && failed_exit == 0) failed_exit = c->ctrl().exit_code();
        continue;
      }
      for (const auto& w : c->wait_report()) waiting.push_back(fmt::format("cluster {} {}", c->id(), w));
    }
    if (!waiting.empty()) {
      // At the limit with nothing pending is a stall all the same.
      const bool limit = req.max_time != sc_core::SC_ZERO_TIME && sc_core::sc_time_stamp() >= req.max_time &&
                         sc_core::sc_pending_activity();
      r.exit_code = 1;
      r.status = limit ? "time-limit" : "stalled";
      r.message = fmt::format("{} at {}: {} core(s) of {} cluster(s) not finished{}",
                              !limit                ? "stalled (no cluster can make progress)"
                              : req.default_limit ? "default time limit reached (--max-time to change it)"
                                                  : "time limit reached",
                              sc_core::sc_time_stamp().to_string(), waiting.size(), unfinished(), ":");
      const size_t shown = std::min<size_t>(waiting.size(), 32);
      for (size_t i = 0; i < shown; ++i) r.message += "\n  " + waiting[i];
      if (shown < waiting.size()) r.message += fmt::format("\n  ... and {} more", waiting.size() - shown);
      r.stats["waiting"] = waiting;
    } else if (failed_exit != 0) {
      r.exit_code = 1;
      r.status = "firmware-exit";
      r.message = fmt::format("firmware exited with code {}", failed_exit);
    } else if (req.dataflow) {
      check_dataflow_outputs(*req.dataflow, golden ? golden->get() : workload::golden_outputs(*req.dataflow), r);
    }
    return r;
  }

 private:
  // --console FILE gets the collected lines; without it a dataflow job says how many it hid.
  void finish_console(const RunRequest& req) {
    ConsoleRouter& console = ConsoleRouter::instance();
    console.route_to(&std::cout);
    if (!req.console.empty()) {
      try {
        write_output(req.console, console_text_.str());
      } catch (const std::exception& e) {
        throw SimulationError(e.what());
      }
    } else if (console.dropped_lines() > 0 && !req.quiet) {
      std::cerr << fmt::format("vp-run: {} firmware console line(s) not shown (--verbose shows them, --console FILE "
                               "keeps them)\n",
                               console.dropped_lines());
    }
  }

  static energy::ClusterActivity activity_of(const Cluster& c) {
    const Cluster::Counters n = c.counters();
    energy::ClusterActivity a;
    a.instructions = double(n.instructions), a.core_active_cycles = double(n.core_active_cycles);
    a.core_sleep_cycles = double(n.core_sleep_cycles), a.l1_bytes = double(n.l1_bytes), a.dma_bytes = double(n.dma_bytes);
    a.ima_jobs = double(n.ima_jobs), a.ima_rows_driven = double(n.ima_rows_driven);
    a.ima_columns_converted = double(n.ima_columns_converted), a.ima_cells_used = double(n.ima_cells_used);
    a.ima_cells_programmed = double(n.ima_cells_programmed);
    a.dwconv_macs = double(n.dwconv_macs);
    for (size_t k = 0; k < rv::kInsnClasses; ++k) a.instructions_by_class[k] = double(n.instructions_by_class[k]);
    return a;
  }
  void shared_bytes(double& level_bytes, double& hbm_bytes) const {
    const nlohmann::json s = noc_.stats();
    level_bytes = 0;
    for (const auto& level : s["levels"]) level_bytes += level["bytes"].get<double>();
    hbm_bytes = s["hbm"]["bytes_read"].get<double>() + s["hbm"]["bytes_written"].get<double>();
  }

  // GDB's `monitor regs [CLUSTER]`: the peripherals' registers of the stopped
  // thread's cluster, or of CLUSTER, at the current simulated time.
  std::string monitor(const std::string& cmd, unsigned stopped_cluster) const {
    std::istringstream in(cmd);
    std::string word, arg, extra;
    in >> word >> arg >> extra;
    if (word == "regs" && extra.empty()) {
      unsigned long cluster = stopped_cluster;
      if (!arg.empty()) {
        char* end = nullptr;
        cluster = std::strtoul(arg.c_str(), &end, 10);
        if (*end != '\0' || cluster >= models_.size())
          throw std::invalid_argument(fmt::format("monitor regs: no cluster '{}' (0..{})", arg, models_.size() - 1));
      }
      return models_[cluster]->format_registers(sc_core::sc_time_stamp());
    }
    throw std::invalid_argument(
        "monitor commands:\n  regs [CLUSTER]  the peripherals' registers of the stopped thread's cluster, or of CLUSTER");
  }

  // Written even when the firmware faulted: that is when a trace helps most.
  void write_traces(const RunRequest& req) {
    if (!recorder_) return;
    const sc_core::sc_time end = sc_core::sc_time_stamp();
    for (unsigned i : traced_) models_[i]->ctrl().end_trace(end);
    const auto spans = recorder_->sorted();
    const unsigned cores = max_cluster_cores(cfg_);
    try {
      if (!req.timeline.empty()) write_trace_file(req.timeline, chrome_timeline_json(spans, traced_, cores));
      if (!req.vcd.empty() || !req.fst.empty()) {
        VcdLayout layout{traced_, cores, traced_links_, {}, true, {}};
        layout.link_channel_names = noc_.link_channel_names();
        for (unsigned c : traced_)
          if (models_[c]->dwconv()) layout.dwconv_clusters.push_back(c);
        const std::string vcd = vcd_text(spans, layout, uint64_t(end.to_seconds() * 1e12 + 0.5));
        if (!req.vcd.empty()) write_trace_file(req.vcd, vcd);
        if (!req.fst.empty()) write_fst_file(req.fst, vcd);
        if (!req.gtkw.empty()) {
          const auto abs = [](const std::string& p) { return std::filesystem::absolute(p).lexically_normal().string(); };
          const std::string filter = gtkw_filter_path(req.gtkw);
          write_trace_file(filter, gtkw_core_state_filter());
          write_trace_file(req.gtkw, gtkw_text(layout, abs(req.vcd.empty() ? req.fst : req.vcd), abs(req.gtkw),
                                               end.value() / sc_core::sc_time(1, sc_core::SC_NS).value(), abs(filter)));
        }
      }
    } catch (const std::runtime_error& e) {
      throw SimulationError(e.what());
    }
  }

  // The network outputs in the HBM against the golden reference: a mismatch is exit 1.
  void check_dataflow_outputs(const workload::Prepared& p, const workload::Golden& golden, RunResult& r) {
    if (p.reload) {  // what the firmware measured per group (contracts/mapping_format.h, vprl_stat_t)
      std::vector<vprl_stat_t> st(p.groups.size());
      if (!noc_.debug_read(p.reload_stats_at, st.data(), st.size() * sizeof(vprl_stat_t)))
        throw SimulationError(fmt::format("reload records at {:#x} are not in memory", p.reload_stats_at));
      nlohmann::json groups = nlohmann::json::array();
      for (size_t g = 0; g < st.size(); ++g)
        groups.push_back({{"group", g}, {"done", st[g].cycles != 0}, {"clusters", p.groups[g].clusters_used()},
                          {"fetch_cycles", st[g].fetch_cycles}, {"program_cycles", st[g].program_cycles},
                          {"cycles", st[g].cycles},
                          {"end_cycles", st[g].end_cycles}});
      r.stats["reload"] = groups;
    }
    const auto check = workload::check_outputs(p, golden, [&](uint64_t a, void* d, size_t n) {
      if (!noc_.debug_read(a, d, n)) throw SimulationError(fmt::format("output at {:#x} ({} bytes) is not in memory", a, n));
    });
    r.stats["output_check"] = {{"images", p.batch}, {"bytes", check.checked}, {"mismatches", check.mismatches}};
    if (!check.noise.is_null()) r.stats["noise"] = check.noise;
    if (!check.accuracy.is_null()) r.stats["accuracy"] = check.accuracy;
    if (check.mismatches == 0) return;
    r.stats["output_check"]["first"] = check.first;
    r.exit_code = 1;
    r.status = "output-mismatch";
    r.message = fmt::format("dataflow outputs differ from the reference in {} of {} bytes; first: {}", check.mismatches,
                            check.checked, check.first);
  }

  size_t unfinished() const {
    size_t n = 0;
    for (Cluster* c : models_) n += !c->finished();
    return n;
  }

  nlohmann::json summary(double host_s) const {
    nlohmann::json s;
    s["clusters"] = map_.clusters();
    s["noc"] = noc_.stats();
    uint64_t instructions = 0;
    nlohmann::json per = nlohmann::json::array();
    for (Cluster* c : models_) {
      auto j = c->stats();
      if (boot_ends_) j["boot_end_ns"] = boot_ends_->boot_end_ns(c->id());
      instructions += j["instructions"].get<uint64_t>();
      per.push_back(std::move(j));
    }
    s["instructions"] = instructions;
    s["host_run_seconds"] = host_s;
    s["host_threads"] = exchange_->threads();
    s["host_huge_pages"] = malloc_on_huge_pages();  // vp-run's heap on THP (sim/huge_pages.hpp)
    // The quantum exchange's schedule (simulation.threads >= 1): the same for every N.
    if (exchange_->threads() > 0)
      s["exchange"] = {{"activations", exchange_->activations()}, {"rounds", exchange_->rounds()},
                       {"batch_cycles", exchange_->batch_cycles()}, {"wakeups", exchange_->wakeups()},
                       {"elw_completed", exchange_->elw_completed()}, {"joins", exchange_->joins()}};
    s["mips"] = host_s > 0 ? double(instructions) / host_s / 1e6 : 0.0;
    s["per_cluster"] = std::move(per);
    return s;
  }

  const Config& cfg_;
  MemoryMap map_;
  AxiNetwork noc_;
  std::vector<ClusterSlot> clusters_;
  // Destroys the clusters last-made first, just before clusters_ itself (it is
  // declared after it): SystemC's port, export and module registries find an
  // object to remove by a linear search from their newest entry, so the
  // vector's own first-to-last order made the teardown quadratic in the
  // number of clusters (~0.1 s of the headline's exit).
  struct LastFirst {
    std::vector<ClusterSlot>& v;
    ~LastFirst() {
      while (!v.empty()) v.pop_back();
    }
  } clusters_last_first_{clusters_};
  std::vector<Cluster*> models_;
  bool loaded_ = false;
  std::unique_ptr<ActivityRecorder> recorder_;
  std::ostringstream console_text_;  // --console FILE  // null unless --timeline or --vcd
  std::vector<unsigned> traced_;                // clusters with a tracer
  std::vector<std::string> traced_links_;       // VCD scopes of the traced links, by link id
  std::unique_ptr<dataflow::BootEndRecorder> boot_ends_;  // dataflow jobs only
  std::unique_ptr<rv::QuantumExchange> exchange_;  // runs the cores when simulation.threads >= 1
  std::unique_ptr<DebugSession> debug_;  // --gdb, --itrace; last: detaches from the cores first
};

}  // namespace

std::unique_ptr<Platform> make_manycore_platform(const Config& cfg, const ClusterFactory& factory) {
  return std::make_unique<ManycorePlatform>("soc", cfg, factory);
}

std::unique_ptr<Platform> make_manycore_platform(const Config& cfg) {
  // Every cluster runs the same code: one instruction memory image for all.
  auto imem = std::make_shared<std::vector<uint8_t>>(cfg.get_size("memory_map.imem_size"), 0);
  auto classes = std::make_shared<ClusterClassCache>();  // each class's keys read once
  return make_manycore_platform(cfg, [imem, classes](int id, const Config& c, const MemoryMap&) {
    auto cluster = std::make_unique<Cluster>(fmt::format("cluster_{}", id).c_str(), bind_cluster(c, unsigned(id), *classes), imem,
                                              ConsoleRouter::instance().stream());
    ClusterPorts ports{&cluster->master(), &cluster->slave()};
    return ClusterSlot{std::move(cluster), ports};
  });
}

}  // namespace vp
