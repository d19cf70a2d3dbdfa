#pragma once
// What the models report to the waveform and timeline writers: spans of
// activity in simulated time. A model holds an ActivityTracer pointer that is
// null unless tracing was asked for, so tracing off costs one pointer test.
// Spans may arrive out of time order (initiators run ahead of SystemC time);
// the writer sorts them.
#include <systemc>

// -DVP_TRACING=OFF (CMake) compiles the models' trace hooks out: each is
// guarded by `kTracing &&`, so the compiler drops it.
#ifndef VP_TRACING
#define VP_TRACING 1
#endif

namespace vp {

constexpr bool kTracing = VP_TRACING;

enum class TraceUnit : unsigned char {
  kImaSequence,  // an IMA job sequence: trigger to the last stream-out
  kImaCompute,   // one job on the crossbar (DAC, analog MVM, ADC)
  kDma,          // one DMA transfer: start to completion
  kCorePhase,    // a core in one firmware phase (CLUSTER_PHASE_*), `value` = phase
  kCoreHalt,     // a core halted at `begin` (end == begin)
  kCoreSleep,    // a core asleep in wfi (what its sleep_cycles counted)
  kLink,         // a network link channel booked by a transfer: `index` = link id, `value` = channel
  kPower,        // average power over [begin, end) in uW: a cluster's, or the platform's (cluster kNetworkSpan)
  kDwconv,        // a depthwise convolution on the accelerator: trigger to its last output, `value` = jobs
  kDwconvCompute, // one accelerator job (an output row of a channel group) in the datapath, `value` = job
};

// The `cluster` of network spans (kLink): they belong to no cluster.
constexpr unsigned kNetworkSpan = ~0u;

class ActivityTracer {
 public:
  virtual ~ActivityTracer() = default;
  // `index`: the core or DMA channel; `value`: the phase, job count or bytes.
  virtual void span(unsigned cluster, TraceUnit unit, unsigned index, uint64_t value, const sc_core::sc_time& begin,
                    const sc_core::sc_time& end) = 0;
};

}  // namespace vp
