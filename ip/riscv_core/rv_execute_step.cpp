// The debug step interpreter (core_debug.hpp): the hot loop of
// rv_interpreter.hpp, every ISA, leaving after each instruction.
#include "rv_interpreter.hpp"

namespace vp::rv {
template void RiscvCore::execute<true>(uint64_t limit);
}  // namespace vp::rv
