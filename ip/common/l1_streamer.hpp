#pragma once
// A streamer toward the cluster's L1 as the accelerators have them (Fig. 1C):
// `ports` ports of `port_bytes` each, one TCDM access per cycle, the next
// cycle's access issued one cycle after the previous one started in L1, so
// bank conflicts with other masters stretch the stream. Moves a list of
// pieces [addr, addr + len) of cluster addresses between L1 and a buffer.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>

#include "common/deferred_data.hpp"
#include "common/l1_burst.hpp"
#include "common/l1_window.hpp"

namespace vp {

struct L1Streamer {
  L1Window window;
  unsigned ports = 1, port_bytes = 4;
  sc_core::sc_time cycle, l1_latency;

  // The L1 target honours L1Burst (a Tcdm): each piece is one call. Set by
  // the streamer's owner, which knows what its L1 is.
  bool bursts = false;

  // Every stream's payload, made once: a payload allocates its extension
  // array, and streams come by the million. Its extensions stay attached
  // (freed with it): null `ready` is a plain write, an inactive L1Burst none.
  struct Reused {
    Reused() {
      tx.set_extension(later);
      tx.set_extension(burst);
    }
    tlm::tlm_generic_payload tx;
    DeferredData* later = new DeferredData;
    L1Burst* burst = new L1Burst;
  };
  std::unique_ptr<Reused> reused = std::make_unique<Reused>();

  // Returns the completion time of the last access; `start` is absolute and
  // not earlier than sc_time_stamp(). `fail(piece index, address, why)` is
  // called before a piece outside L1 or a failed access is given up and should
  // throw (a SimulationError); a template parameter rather than a
  // std::function, so a stream (one per IMA job) allocates nothing.
  // `later`: a write's data is not ready yet, or (with `read_base`) a read's copy
  // is left to its task; see deferred_data.hpp.
  template <typename Socket, typename Fail>
  sc_core::sc_time stream(Socket& l1, tlm::tlm_command cmd, const std::vector<std::pair<uint32_t, uint32_t>>& pieces,
                          uint8_t* data, sc_core::sc_time start, const Fail& fail,
                          const DeferredData* later = nullptr) const {
    const uint32_t per_cycle = ports * port_bytes;
    sc_core::sc_time issue = start, end = start;
    bool first = true;
    tlm::tlm_generic_payload& tx = reused->tx;
    tx.set_command(cmd);
    tx.set_dmi_allowed(false);
    // The buffer's owner is held by the L1's pending write, not by the
    // payload: dropped however the stream ends (a recycled IMA job counts owners).
    struct Drop {
      DeferredData& d;
      L1Burst& b;
      ~Drop() {
        d.copy_from(DeferredData());
        b.active = false;
      }
    } drop{*reused->later, *reused->burst};
    if (later) drop.d.copy_from(*later);
    L1Burst& b = *reused->burst;
    b.port_bytes = port_bytes;
    b.per_cycle = per_cycle;
    b.cycle = cycle;
    b.l1_latency = l1_latency;
    for (size_t i = 0; i < pieces.size(); ++i) {
      const auto& piece = pieces[i];
      uint64_t offset = 0;
      if (!window.offset_of(piece.first, piece.second, offset)) fail(i, piece.first, "outside the cluster's L1");
      if (bursts) {
        if (piece.second == 0) continue;
        // The loop below, run by the L1 (l1_burst.hpp).
        b.issue = issue;
        b.end = end;
        b.first = first;
        b.done = 0;
        b.active = true;
        tx.set_address(offset);
        tx.set_data_ptr(data);
        tx.set_data_length(piece.second);
        tx.set_streaming_width(piece.second);
        tx.set_byte_enable_ptr(nullptr);
        tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time unused = sc_core::SC_ZERO_TIME;
        l1->b_transport(tx, unused);
        b.active = false;
        issue = b.issue;
        end = b.end;
        first = b.first;
        if (!tx.is_response_ok()) fail(i, piece.first + b.done, tx.get_response_string());
        data += piece.second;
        continue;
      }
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
