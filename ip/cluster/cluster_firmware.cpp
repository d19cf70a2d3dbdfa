#include "cluster_firmware.hpp"

#include <cstring>

#include <fmt/format.h>

#include "sim/simulation_error.hpp"

namespace vp {

ClusterFirmware ClusterFirmware::load(const std::string& path, const ClusterMap& map, const rv::SegmentCheck& global) {
  ClusterFirmware fw;
  fw.path = path;
  const uint64_t imem_base = map.imem_base, imem_size = map.imem_size;
  const uint64_t local_base = map.local_base, stride = map.stride, l1_size = map.l1_size;
  auto within = [](uint64_t a, uint64_t n, uint64_t base, uint64_t size) {
    return a >= base && a - base <= size && n <= size - (a - base);
  };
  // Checked before the loader allocates a segment: only what one of the
  // platform's memories can hold.
  fw.elf = rv::load_elf(path, [&](uint32_t a, uint64_t n) -> std::string {
    if (within(a, n, imem_base, imem_size) || within(a, n, local_base, l1_size)) return {};
    if (a >= local_base && a - local_base < stride)
      return fmt::format("larger than the {}-byte L1 at {:#x}", l1_size, local_base);
    if (a >= imem_base && a - imem_base < imem_size)
      return fmt::format("larger than the {}-byte instruction memory at {:#x}", imem_size, imem_base);
    return global ? global(a, n) : std::string();
  });
  fw.entry = fw.elf.entry;
  fw.imem = std::make_shared<std::vector<uint8_t>>(imem_size, 0);
  if (!within(fw.entry, 2, imem_base, imem_size))
    throw SimulationError(fmt::format("{}: entry point {:#x} is not in the instruction memory [{:#x}, {:#x})", path,
                                      fw.entry, imem_base, imem_base + imem_size));
  for (auto& seg : fw.elf.segments) {
    const uint64_t a = seg.addr, n = seg.bytes.size();
    if (n == 0) continue;
    if (within(a, n, imem_base, imem_size)) {
      std::memcpy(fw.imem->data() + (a - imem_base), seg.bytes.data(), n);
    } else if (within(a, n, local_base, l1_size)) {
      fw.l1.push_back({a - local_base, seg.bytes});
    } else if (a >= local_base && a - local_base < stride) {
      throw SimulationError(fmt::format("{}: segment at {:#x} ({} bytes) does not fit in the {}-byte L1 at {:#x}",
                                        path, a, n, l1_size, local_base));
    } else if (a >= imem_base && a - imem_base < imem_size) {
      throw SimulationError(fmt::format("{}: segment at {:#x} ({} bytes) overflows the instruction memory ({} bytes)",
                                        path, a, n, imem_size));
    } else {
      fw.global.push_back({a, seg.bytes});
    }
  }
  return fw;
}

}  // namespace vp
