// The fast interpreter for core.isa rv32imc_xcv: the hot loop of
// rv_interpreter.hpp with the CORE-V handlers, without debug code.
#define VP_EXEC_XCV 1
#include "rv_interpreter.hpp"

namespace vp::rv {
template void RiscvCore::execute<false>(uint64_t limit);
}  // namespace vp::rv
