#pragma once
// The HBM behind one controller (Bruschi et al., Table I: 1.5 GB). Addresses on the socket
// and in the load-time API are offsets from the HBM base (the network strips the base).
//
// Backing is sparse: 64 KiB pages are allocated on the first write that touches them, and
// untouched memory reads as zero, so a 1.5 GB HBM costs the host only what is written.
//
// Timing, loosely timed: one data port; an access of S bytes at time t starts when the port
// is free (the first gap in its BusyCalendar at or after t), holds it for ceil(S / bandwidth)
// cycles and completes `latency_cycles` after its start. The port's occupancy overlaps with the network link's (the
// controller streams as the data arrives), so a single transfer costs the wait plus the
// latency, and back-to-back transfers are limited to the controller's bandwidth.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "axi_node/busy_calendar.hpp"

namespace vp {

class HbmController : public sc_core::sc_module {
 public:
  static constexpr uint64_t kPageBytes = 64 * 1024;

  struct Params {
    uint64_t size = 0;                    // bytes
    unsigned latency_cycles = 0;          // controller latency beyond the network's
    unsigned bandwidth_bytes_per_cycle = 256;
    sc_core::sc_time cycle = sc_core::sc_time(1, sc_core::SC_NS);
  };

  struct Stats {
    uint64_t reads = 0, writes = 0, bytes_read = 0, bytes_written = 0, errors = 0;
    sc_core::sc_time contention = sc_core::SC_ZERO_TIME;
  };

  tlm_utils::simple_target_socket<HbmController> port;

  HbmController(sc_core::sc_module_name name, const Params& p);

  // Load-time access for the runtime (images, weights, results); no simulated time.
  // Throws std::out_of_range naming the range when it does not fit in the HBM.
  void write(uint64_t offset, const void* data, size_t len);
  void read(uint64_t offset, void* data, size_t len) const;

  uint64_t size() const { return params_.size; }
  uint64_t allocated_bytes() const { return allocated_pages_ * kPageBytes; }
  const Stats& stats() const { return stats_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  // Moves the payload's data (byte enables and streaming width honoured); false if out of range.
  bool access(tlm::tlm_generic_payload& trans);
  void check_range(uint64_t offset, size_t len, const char* what) const;
  uint8_t* page_for_write(uint64_t page);
  void copy_in(uint64_t offset, const uint8_t* src, size_t len);
  void copy_out(uint64_t offset, uint8_t* dst, size_t len) const;

  Params params_;
  sc_core::sc_time latency_;
  BusyCalendar port_busy_;
  std::vector<std::unique_ptr<uint8_t[]>> pages_;
  uint64_t allocated_pages_ = 0;
  Stats stats_;
};

}  // namespace vp
