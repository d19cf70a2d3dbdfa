// The fast interpreter, every core.isa: the hot loop of rv_interpreter.hpp
// without debug code.
#include "rv_interpreter.hpp"

namespace vp::rv {
template void RiscvCore::execute<false>(uint64_t limit);
}  // namespace vp::rv
