#pragma once
// The Chrome trace event format (opens in Perfetto and chrome://tracing):
// one process per cluster ("cluster N"), one track per core (its firmware
// phases and halt), per IMA (job sequences; crossbar jobs) and per DMA
// channel; complete events ("ph":"X") with ts/dur in microseconds of
// simulated time. Spans of one unit that overlap go to extra lanes, because
// the format needs the events of a track to nest.
#include <string>
#include <vector>

#include "trace/activity_recorder.hpp"

namespace vp {

std::string chrome_timeline_json(const std::vector<ActivitySpan>& sorted_spans, const std::vector<unsigned>& clusters,
                                 unsigned cores_per_cluster);

}  // namespace vp
