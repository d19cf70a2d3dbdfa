#pragma once
// The analog in-memory accelerator (section II-2, Fig. 1C, Fig. 3): a
// rows x cols crossbar of int8 weights, streamers toward L1, double-buffered
// input and output buffers, and job registers (ima_regs.h).
//
// A job streams its input vector in from L1, computes (mvm_ns: DAC, analog
// MVM, ADC) and streams its outputs out to L1. With two input and two output
// buffers the three phases of consecutive jobs overlap (Fig. 3):
//   in(g)      starts when the input streamer is free and compute(g-2) has
//              released input buffer g % 2;
//   compute(g) starts when in(g) is done, compute(g-1) is done and out(g-2)
//              has released output buffer g % 2;
//   out(g)     starts when compute(g) is done and the output streamer is free;
// so N jobs take N x max(in, compute, out) plus the other two phases.
// Stream times come from the L1 accesses themselves: each cycle the
// streamer_ports ports move port_bytes each, one TCDM access per cycle, so
// bank conflicts with other masters stretch them.
// One thread per IMA wakes only at stream-in and stream-out boundaries; the
// numeric result is ima_mvm() of ima_numerics.h.
#include <cstdint>
#include <deque>
#include <array>
#include <functional>
#include <ostream>
#include <map>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "common/l1_streamer.hpp"
#include "common/l1_window.hpp"
#include "common/register_file.hpp"
#include "ima/ima_params.hpp"
#include "sim/activity_tracer.hpp"

namespace vp {

class AsyncTask;
class WorkerPool;

class Ima : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Ima> regs;   // register block (offsets from the IMA base)
  tlm_utils::simple_initiator_socket<Ima> l1;  // the streamers, toward L1 (offsets within L1)

  // Events IMA_EVENT_DONE / IMA_EVENT_READY at the absolute simulated time they happen.
  using EventFn = std::function<void(unsigned line, sc_core::sc_time at)>;

  Ima(sc_core::sc_module_name name, const ImaParams& p);
  ~Ima() override;

  // With a pool of 2 or more threads, each job's MVM is handed to it when
  // the job's compute phase is scheduled and collected before its outputs
  // stream out (docs/architecture.md, "Parallel simulation"). The MVM is a
  // pure function of the input and the weights, so results are the same
  // with or without; null or 1 thread: computed there and then.
  // `l1_defers`: the L1 target honours DeferredData (a Tcdm), so the outputs
  // stream out with their timing as before and land when something may see
  // them (Tcdm::flush), which leaves the MVM more host time on the pool; and
  // a job computed as soon as it streams in has its input read deferred too:
  // booked at once, copied from L1 by its MVM task (the L1 holds back writes
  // to those bytes until then).
  void set_pool(WorkerPool* pool, bool l1_defers = false);
  // The L1 target honours L1Burst (a Tcdm): each stream piece is one call
  // there instead of one per beat, with the same timing and data.
  void set_l1_bursts(bool on) { streamer_.bursts = on; }

  void set_event_callback(EventFn f) { on_event_ = std::move(f); }
  void set_tracer(ActivityTracer* t) { tracer_ = t; }  // null: no tracing
  // Every register's name and value as a read at `at` would see it.
  RegisterDump dump_registers(const sc_core::sc_time& at) const {
    return regfile_.dump(at);
  }
  // The registers the cluster's cores may access in their local phase
  // (RiscvCore::add_local_target): the job's parameters and the weight port,
  // whose accesses reach nothing but this IMA (a weight write first waits
  // for the MVMs in flight, as it does through the bus). TRIGGER and STATUS
  // take the bus. Null without an IMA: every access is an address error.
  RegisterFile* local_registers() { return present_ ? &regfile_ : nullptr; }
  // The cores' local phases may overlap this IMA's process (the batched
  // exchange): the weight port then takes the bus.
  void set_local_phases_overlap(bool on) { regfile_.set_processes_overlap(on); }
  // Nothing triggered and not yet streamed out: the process waits for a trigger.
  bool idle() const { return seqs_.empty(); }

  // The crossbar, row-major; load-time programming (weights are non-volatile).
  unsigned rows() const { return rows_; }
  unsigned cols() const { return cols_; }
  const int8_t* weights() const { return weights_.data(); }
  // Writes an nrows x ncols row-major block at (row0, col0); throws std::out_of_range.
  void load_weights(unsigned row0, unsigned col0, unsigned nrows, unsigned ncols, const int8_t* w);

  // Statistics.
  uint64_t jobs_done() const { return jobs_done_; }
  // Over all jobs computed: crossbar rows driven (DACs), columns converted
  // (ADCs) and cells used (rows x columns), what the energy model charges.
  uint64_t rows_driven() const { return rows_driven_; }
  uint64_t columns_converted() const { return columns_converted_; }
  uint64_t cells_used() const { return cells_used_; }
  sc_core::sc_time compute_time() const { return compute_time_; }  // crossbar busy time
  // The weight-programming path (IMA_KIND_PROGRAM, ima_program.cpp): program
  // sequences completed, crossbar cells written and the time spent writing them.
  uint64_t programs_done() const { return programs_done_; }
  uint64_t cells_programmed() const { return cells_programmed_; }
  sc_core::sc_time program_time() const { return program_time_; }

 private:
  struct Sequence {  // the job registers as latched by a trigger
    uint32_t src, dst, src_stride, dst_stride, row0, nrows, col0, ncols, jobs, out_size, adc_shift;
    uint32_t block_len, block_stride, block_offset;
    uint32_t kind;  // IMA_KIND_MVM or IMA_KIND_PROGRAM
    sc_core::sc_time start;
    uint32_t jobs_in = 0, jobs_out = 0;
  };
  struct Programmed;
  // A job's buffers and its MVM (a pure task: input and weights to output),
  // recycled from job to job: no allocation per job on the SystemC thread.
  struct Mvm;
  // A job's deferred input read: the copy of its pieces from L1 into its
  // buffer, a task of its own so that whoever needs it first makes it: the
  // MVM task, or a write to those L1 bytes (the L1 waits on it), which then
  // copies 256 bytes instead of running the whole MVM on the spot.
  struct InputCopy final : AsyncTask {
    Mvm* mvm = nullptr;
    void again() { rearm(); }

   private:
    void body() override;
  };
  // With a deferred input read, the task first has `copy` made (`l1`, set
  // by the L1 when the job streamed in; null: the input is in `input`).
  struct Mvm final : AsyncTask {
    Mvm() { copy.mvm = this; }
    std::vector<int8_t> input;
    const uint8_t* l1 = nullptr;
    const L1Window* window = nullptr;
    uint32_t in_base = 0, block_len = 0, block_stride = 0, block_offset = 0;
    InputCopy copy;  // handed out sharing the Mvm's ownership (no allocation, no count of its own)
    void copy_input();
    std::vector<uint8_t> output;  // out_size-byte elements, saturated, little endian
    const Programmed* noisy = nullptr;  // with noise: the programmed block
    const ima_noise_params* noise = nullptr;
    const int8_t* w = nullptr;  // the job's first crossbar row
    uint32_t cols = 0, rows = 0, col0 = 0, ncols = 0, dac = 0, adc = 0, shift = 0, size = 0;
    void again() {
      rearm();
      copy.again();
    }
    void cancel_all() {  // never computed: neither the MVM nor the copy may run any more
      cancel();
      copy.cancel();
    }

   private:
    void body() override;
  };
  struct Job {
    size_t seq;  // index into seqs_ when streamed in (adjusted as sequences retire)
    uint32_t index;
    sc_core::sc_time in_end, compute_end;
    std::shared_ptr<Mvm> mvm;  // its buffers; the MVM filling `output` maybe still on the pool
  };
  // A done Mvm nobody else holds, or a new one.
  std::shared_ptr<Mvm> spare_mvm();

  void run();
  // Appends a checked sequence triggered at `at`.
  void queue(const Sequence& s, const sc_core::sc_time& at);
  // The input streamer takes up sequence in_seq_ (if any) at `at`: it no
  // longer counts as queued (STATUS, the trigger's check) from then on.
  void take_up(const sc_core::sc_time& at);
  void stream_in(const sc_core::sc_time& at);
  void compute(Job& job);
  // With noise on: the (noisy, drifted) block the job's MVM uses, programmed
  // on first use.
  const Programmed& programmed(const Sequence& s);
  // Waits for every job's MVM on the pool (before the weights change).
  void settle();
  void stream_out(const sc_core::sc_time& at);
  // The program sequence at the front: when it may start (every earlier job
  // out), and running it (ima_program.cpp).
  bool program_next() const;
  sc_core::sc_time program_start() const;
  void program();
  // Appends why a program sequence cannot be queued to `m`; false: it can.
  bool check_program(const Sequence& s, const sc_core::sc_time& at, std::ostream& m) const;
  // Moves pieces [addr, addr + len) between L1 and `data`, P x port_bytes per
  // cycle from `start`; returns when the last access completes.
  sc_core::sc_time stream(tlm::tlm_command cmd, const std::vector<std::pair<uint32_t, uint32_t>>& pieces,
                          uint8_t* data, sc_core::sc_time start, const char* what, uint32_t job,
                          const DeferredData* later = nullptr);
  void trigger(const sc_core::sc_time& at);
  uint32_t status(const sc_core::sc_time& at);
  size_t pending(const sc_core::sc_time& at) const;
  // A cluster without an IMA (a digital cluster, section VI) has a hole where
  // the register block would be: every access is an address error.
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    if (!present_) return tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    regfile_.b_transport(tx, delay);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& tx) { return present_ ? regfile_.transport_dbg(tx) : 0; }

  bool present_;
  unsigned cluster_id_;
  L1Streamer streamer_;  // both streamers' geometry and timing (Fig. 3: one port set each way)
  unsigned rows_, cols_, dac_bits_, adc_bits_, adc_shift_;
  size_t job_queue_;
  sc_core::sc_time mvm_, setup_, program_setup_, program_row_, lookahead_;
  std::vector<int8_t> weights_;
  RegisterFile regfile_;
  // The registers of ima_regs.h, in offset order; reset values as after power-up.
  Register trigger_, status_, info_, src_, dst_, src_stride_, dst_stride_, row0_, nrows_, col0_, ncols_, njobs_;
  Register out_size_, adc_reg_, block_len_, block_stride_, block_offset_, job_kind_, wgt_index_, wgt_data_;
  EventFn on_event_;
  ActivityTracer* tracer_ = nullptr;
  sc_core::sc_event trigger_ev_;

  // Pipeline state; job numbers g count every job since reset.
  std::deque<Sequence> seqs_;  // triggered, not yet fully streamed out
  size_t in_seq_ = 0;          // sequence of the next job to stream in
  sc_core::sc_time raised_;  // the latest time of a READY or DONE event raised
  // When the input streamer last moved on (took up a sequence, or finished one
  // with none queued): not derivable from take_ups_, which records only the former.
  sc_core::sc_time last_taken_up_;
  // When each recent sequence was taken up (max: not yet), in trigger order;
  // the first taken_up_ are set. Times at or before SystemC time go.
  std::deque<sc_core::sc_time> take_ups_;
  size_t taken_up_ = 0;
  std::deque<Job> jobs_;       // streamed in, not yet streamed out (at most 4)
  uint64_t in_done_ = 0, computed_ = 0, out_done_ = 0;
  sc_core::sc_time in_free_[2], out_free_[2];  // when each buffer is released
  sc_core::sc_time in_streamer_free_, out_streamer_free_, compute_free_;
  std::deque<sc_core::sc_time> ends_;  // completion times of sequences, not yet reached
  uint32_t done_ = 0;
  uint64_t jobs_done_ = 0;
  uint64_t rows_driven_ = 0, columns_converted_ = 0, cells_used_ = 0;
  sc_core::sc_time compute_time_;
  uint64_t programs_done_ = 0, cells_programmed_ = 0;
  sc_core::sc_time program_time_;
  WorkerPool* pool_ = nullptr;  // MVMs on the pool (2+ threads), else inline
  bool l1_defers_ = false;
  // MVMs whose outputs went to L1 as deferred writes, maybe not run yet:
  // settle() waits for them too (they read the weights).
  std::deque<std::shared_ptr<AsyncTask>> handed_;
  std::vector<std::shared_ptr<Mvm>> spares_;  // the first kSpares Mvms made, for reuse
  static constexpr size_t kSpares = 64;
  size_t next_spare_ = 0;
  std::vector<std::pair<uint32_t, uint32_t>> pieces_;  // a stream's pieces (reused)
  // Noise: each used block (row0, rows, col0, cols) is programmed once from
  // its weights (ima_noise.h); a weight write reprograms. keys: per row.
  struct Programmed {  // read by MVMs on the pool: changed only after settle()
    std::vector<int32_t> weff;
    std::vector<uint64_t> var, keys;
  };
  ima_noise_params noise_;
  std::map<std::array<uint32_t, 4>, Programmed> programmed_;
  // Measured drift compensation per column window (col0, cols) of the crossbar.
  std::map<std::array<uint32_t, 2>, double> compensation_;
};

}  // namespace vp
