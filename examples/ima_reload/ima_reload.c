/* Weight reloading from C: a layer larger than the crossbar (K = 512 inputs,
 * twice the 256 rows) runs in two weight chunks. For each chunk the IMA
 * programs its crossbar from L1 (ima_program_weights: the timed
 * IMA_KIND_PROGRAM path) and then streams the whole batch of VECS vectors
 * through it, so one programming serves the batch (how weight-reloading
 * accelerators amortise it); the cores add the chunks' partial sums. Checked
 * against the numerics the IMA model uses (contracts/ima_numerics.h); the
 * cycles of programming and of computing are printed. Core 0 alone. */
#include <stdint.h>
#include <stdio.h>

#include "hal/cluster.h"
#include "hal/ima.h"
#include "ima_numerics.h"

#define K 512        /* inputs of the layer */
#define N 64         /* outputs = crossbar columns used */
#define CHUNK 256    /* crossbar rows: K / CHUNK chunks */
#define VECS 8       /* vectors per programming (the batch) */
#define ADC_SHIFT 10

/* The weights (32 KiB) in the application's part of L1, above the firmware's 64 KiB
 * (firmware/cluster/cluster.ld); chunk c = rows [c * CHUNK, (c + 1) * CHUNK), row-major. */
extern int8_t __l1_free_start[];
#define weights ((int8_t(*)[N])__l1_free_start)
static int8_t inputs[VECS][K];
static int32_t partial[K / CHUNK][VECS][N]; /* the IMA's int32 codes, one block per chunk */

static int8_t pattern(uint32_t i) { return (int8_t)((i * 37u + 11u) % 255u - 127); }

int main(void) {
  if (core_id() != 0) return 0;
  for (unsigned i = 0; i < K * N; ++i) weights[i / N][i % N] = pattern(i);
  for (unsigned i = 0; i < VECS * K; ++i) inputs[i / K][i % K] = pattern(5 * i + 3);
  uint64_t program_cycles = 0, mvm_cycles = 0;
  for (unsigned c = 0; c < K / CHUNK; ++c) {
    uint64_t t0 = cluster_cycles();
    ima_program_weights((uint32_t)(uintptr_t)&weights[c * CHUNK][0], N, 0, CHUNK, 0, N);
    ima_wait_sleep();
    uint64_t t1 = cluster_cycles();
    const ima_job_t job = {.src = (uint32_t)(uintptr_t)&inputs[0][c * CHUNK], .dst = (uint32_t)(uintptr_t)partial[c],
                           .src_stride = K, .dst_stride = N * 4, .row0 = 0, .rows = CHUNK, .col0 = 0,
                           .cols = N, .jobs = VECS, .out_size = 4, .adc_shift = ADC_SHIFT};
    ima_program_job(&job);
    ima_trigger();
    ima_wait_sleep();
    program_cycles += t1 - t0;
    mvm_cycles += cluster_cycles() - t1;
  }
  /* Every output: the sum over chunks of the chunk's MVM, as a row split of the mapper computes it. */
  unsigned mismatches = 0;
  int32_t first = 0;
  for (unsigned v = 0; v < VECS; ++v)
    for (unsigned n = 0; n < N; ++n) {
      int32_t got = 0, want = 0;
      for (unsigned c = 0; c < K / CHUNK; ++c) {
        int32_t y[N];
        ima_mvm(&weights[c * CHUNK][0], N, CHUNK, 0, N, &inputs[v][c * CHUNK], 8, 8, ADC_SHIFT, y);
        want += y[n];
        got += partial[c][v][n];
      }
      mismatches += got != want;
      if (v == 0 && n == 0) first = got;
    }
  printf("ima_reload: %u chunks of %u x %u, %u vectors each, mismatches %u, first output %d\n", K / CHUNK, CHUNK, N,
         VECS, mismatches, (int)first);
  printf("cycles: programming %u, computing %u\n", (unsigned)program_cycles, (unsigned)mvm_cycles);
  return mismatches == 0 ? 0 : 1;
}
