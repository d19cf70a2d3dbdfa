/* The program the GDB test debugs: every core calls compute() with its own
 * argument, core 2 stores its result in `counter` (the watched variable). */
#include "hal/cluster.h"
#include "hal/event_unit.h"

volatile int counter = 0;
int results[16];

__attribute__((noinline)) int compute(int x) {
  int s = 0;
  for (int i = 0; i <= x; ++i) s += i * i;
  return s;
}

int main(void) {
  const unsigned id = core_id();
  const int r = compute((int)id + 3);
  results[id] = r;
  if (id == 2) counter = r;
  eu_barrier();
  return 0;
}
