// vp-run: the virtual platform's command-line entry point.
#include <cstdlib>
#include <iostream>

#include "sim/huge_pages.hpp"
#include "top/cli.hpp"

int sc_main(int argc, char* argv[]) {
  try {
    return vp::run_main(argc, argv);
  } catch (const std::exception& e) {  // a bug of ours: say so, never abort
    std::cerr << "vp-run: internal error: " << e.what() << "\n";
    return vp::kExitSimulationError;
  }
}

// Our own main so SystemC's banner is off before the kernel first looks
// (it would otherwise precede every run's output); then SystemC as usual.
// First, the heap on huge pages (sim/huge_pages.hpp): may execute vp-run
// again, with the same arguments.
int main(int argc, char* argv[]) {
  vp::reexec_with_huge_pages(argv);
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
