/* The act_min post-pass (act_floor.h). Only layers with a Clip lower bound
 * other than 0 or -128 run it, so it is plain C: the hot kernels stay as they are. */
#include "dataflow/act_floor.h"

#include "dataflow/kernels.h"

void df_act_floor(int8_t* p, uint32_t n, int32_t act_min) {
  uint32_t lo, hi;
  df_share(n, &lo, &hi);
  const int8_t m = (int8_t)act_min;
  for (uint32_t i = lo; i < hi; ++i)
    if (p[i] < m) p[i] = m;
}
