/* Every core of the cluster says hello; core 0 checks the cluster's identity. */
#include <stdio.h>

#include "hal/cluster.h"
#include "hal/event_unit.h"

int main(void) {
  printf("hello from core %u of cluster %u\n", (unsigned)core_id(), (unsigned)cluster_id());
  eu_barrier();
  if (core_id() == 0) {
    if (num_cores() != 16) return 2;
    printf("%u cores, %u clusters\n", (unsigned)num_cores(), (unsigned)num_clusters());
  }
  return 0;
}
