// The fast interpreter for core.isa rv32imc: the hot loop of
// rv_interpreter.hpp without debug code and without the CORE-V handlers.
#define VP_EXEC_XCV 0
#include "rv_interpreter.hpp"

namespace vp::rv {
template void RiscvCore::execute_base<false>(uint64_t limit);
}  // namespace vp::rv
