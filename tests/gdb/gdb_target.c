/* The program the GDB tests debug: every core calls compute() with its own
 * argument, core 2 stores its result in `counter` (the watched variable).
 * Built with GDB_SPIN, core 0 first spins until a debugger sets `release`
 * (the Ctrl-C and memory-write test). */
#include "hal/cluster.h"
#include "hal/event_unit.h"

volatile int counter = 0;
volatile int release = 0;
int results[16];

__attribute__((noinline)) int compute(int x) {
  int s = 0;
  for (int i = 0; i <= x; ++i) s += i * i;
  return s;
}

int main(void) {
  const unsigned id = core_id();
#ifdef GDB_SPIN
  if (id == 0)
    while (!release) {
    }
#endif
  const int r = compute((int)id + 3);
  results[id] = r;
  if (id == 2) counter = r;
  eu_barrier();
  return 0;
}
