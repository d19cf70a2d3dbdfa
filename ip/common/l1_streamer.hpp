#pragma once
// A streamer toward the cluster's L1 as the accelerators have them (Fig. 1C):
// `ports` ports of `port_bytes` each, one TCDM access per cycle, the next
// cycle's access issued one cycle after the previous one started in L1, so
// bank conflicts with other masters stretch the stream. Moves a list of
// pieces [addr, addr + len) of cluster addresses between L1 and a buffer.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>

#include "common/deferred_data.hpp"
#include "common/l1_window.hpp"

namespace vp {

struct L1Streamer {
  L1Window window;
  unsigned ports = 1, port_bytes = 4;
  sc_core::sc_time cycle, l1_latency;

  // Returns the completion time of the last access; `start` is absolute and
  // not earlier than sc_time_stamp(). `fail(piece index, address, why)` is
  // called before a piece outside L1 or a failed access is given up and should
  // throw (a SimulationError); a template parameter rather than a
  // std::function, so a stream (one per IMA job) allocates nothing.
  // `later` (writes only): the data is not ready yet, see deferred_data.hpp.
  template <typename Socket, typename Fail>
  sc_core::sc_time stream(Socket& l1, tlm::tlm_command cmd, const std::vector<std::pair<uint32_t, uint32_t>>& pieces,
                          uint8_t* data, sc_core::sc_time start, const Fail& fail,
                          const DeferredData* later = nullptr) const {
    const uint32_t per_cycle = ports * port_bytes;
    sc_core::sc_time issue = start, end = start;
    bool first = true;
    tlm::tlm_generic_payload tx;
    tx.set_command(cmd);
    if (later) tx.set_extension(new DeferredData(later->ready, later->keep));  // freed with tx
    for (size_t i = 0; i < pieces.size(); ++i) {
      const auto& piece = pieces[i];
      uint64_t offset = 0;
      if (!window.offset_of(piece.first, piece.second, offset)) fail(i, piece.first, "outside the cluster's L1");
      for (uint32_t done = 0; done < piece.second;) {
        const uint64_t a = offset + done;
        const uint32_t n =
            static_cast<uint32_t>(std::min<uint64_t>(piece.second - done, a - a % port_bytes + per_cycle - a));
        tx.set_address(a);
        tx.set_data_ptr(data);
        tx.set_data_length(n);
        tx.set_streaming_width(n);
        tx.set_byte_enable_ptr(nullptr);
        tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        if (!first) issue = std::max(issue, end - l1_latency) + cycle;
        first = false;
        sc_core::sc_time delay = issue - sc_core::sc_time_stamp();
        l1->b_transport(tx, delay);
        if (!tx.is_response_ok()) fail(i, piece.first + done, tx.get_response_string());
        end = sc_core::sc_time_stamp() + delay;
        data += n;
        done += n;
      }
    }
    return end;
  }
};

}  // namespace vp
