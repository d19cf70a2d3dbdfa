/* Hello world on one cluster: every core runs main() (SPMD); the cores take
 * turns, one per barrier round, so the lines come out in core order. Core 0's
 * return value is the cluster's exit code. */
#include <stdio.h>

#include "hal/cluster.h"
#include "hal/event_unit.h"

int main(void) {
  const unsigned me = core_id(), n = num_cores();
  for (unsigned turn = 0; turn < n; ++turn) {
    if (turn == me) printf("hello from core %u of cluster %u\n", me, (unsigned)cluster_id());
    eu_barrier(); /* every core of the cluster meets here: a hardware barrier, cores asleep while waiting */
  }
  if (me == 0) printf("%u cores, %u cluster(s)\n", n, (unsigned)num_clusters());
  return 0;
}
