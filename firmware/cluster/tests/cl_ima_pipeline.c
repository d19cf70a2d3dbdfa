/* The cluster's pipeline in miniature (Fig. 3): core 0 stages a tile in the
 * HBM by DMA, then DMAs input chunks back from
 * HBM into L1 (double-buffered), runs IMA job sequences on one buffer while
 * the next chunk streams in, and all 16 cores requantize (ReLU) the previous
 * chunk's IMA outputs in parallel. At the end the cores recompute every
 * output in software with the shared numerics and count mismatches. */
#include <stdint.h>
#include <stdio.h>

#include "hal/cluster.h"
#include "hal/dma.h"
#include "hal/event_unit.h"
#include "hal/ima.h"
#include "numerics.h"

#define ROWS 256      /* input vector length = crossbar rows used */
#define COLS 64       /* outputs per vector = crossbar columns used */
#define VECS 64       /* vectors in the tile */
#define CHUNK 8       /* vectors per IMA job sequence */
#define NCHUNK (VECS / CHUNK)
#define ADC_SHIFT 7   /* per-job ADC range: codes of sum >> 7 */
#define REQ_MULT 3
#define REQ_SHIFT 2

#define HBM_INPUT 0x80000000u
#define L1_FREE (CLUSTER_LOCAL_BASE + 0x10000u)
static int8_t (*const inbuf)[CHUNK][ROWS] = (int8_t (*)[CHUNK][ROWS])(L1_FREE);            /* [2] */
static int32_t (*const outbuf)[CHUNK][COLS] = (int32_t (*)[CHUNK][COLS])(L1_FREE + 0x1000); /* [2] */
static int8_t (*const result)[COLS] = (int8_t (*)[COLS])(L1_FREE + 0x5000);                /* [VECS] */
static int8_t (*const weights)[COLS] = (int8_t (*)[COLS])(L1_FREE + 0x6000);               /* [ROWS] */
static int8_t* const staging = (int8_t*)(L1_FREE + 0xA000);                                 /* [VECS * ROWS] */

/* Each cluster has its own slice of the HBM for its tile. */
static uint32_t hbm_input(void) { return HBM_INPUT + cluster_id() * (VECS * ROWS); }

static volatile uint32_t mismatches[16];
/* Per-core scratch of the check (core stacks are 2 KiB: firmware/cluster/cluster.ld). */
static int32_t check_x[16][ROWS], check_acc[16][COLS];

static int8_t gen(uint32_t seed, uint32_t i) {
  uint32_t x = seed * 2654435761u + i * 2246822519u;
  x ^= x >> 15;
  x *= 2654435761u;
  x ^= x >> 13;
  return (int8_t)(x >> 24);
}

/* All cores: requantize chunk k's IMA outputs into the result. */
static void requant_chunk(unsigned k) {
  const unsigned per = CHUNK * COLS / 16, c = core_id();
  const int32_t* src = &outbuf[k % 2][0][0];
  int8_t* dst = &result[k * CHUNK][0];
  for (unsigned i = c * per; i < (c + 1) * per; ++i) dst[i] = nm_requant(src[i], REQ_MULT, REQ_SHIFT, 1);
}

static void start_ima(unsigned k) {
  ima_job_t j = {.src = (uint32_t)(uintptr_t)inbuf[k % 2], .dst = (uint32_t)(uintptr_t)outbuf[k % 2],
                 .src_stride = ROWS, .dst_stride = COLS * 4, .row0 = 0, .rows = ROWS, .col0 = 0, .cols = COLS,
                 .jobs = CHUNK, .out_size = 4, .adc_shift = ADC_SHIFT, .block_len = 0, .block_stride = 0};
  ima_program_job(&j);
  ima_trigger();
}

int main(void) {
  const unsigned me = core_id();
  if (me == 0) {
    /* The tile is staged in L1 and DMAed to this cluster's part of the HBM;
     * the weights go into the crossbar through the IMA's registers. */
    for (uint32_t i = 0; i < VECS * ROWS; ++i) staging[i] = gen(1, i);
    dma_start_1d(0, hbm_input(), (uint32_t)(uintptr_t)staging, VECS * ROWS);
    for (unsigned r = 0; r < ROWS; ++r)
      for (unsigned c = 0; c < COLS; ++c) weights[r][c] = gen(2, r * COLS + c);
    ima_write_weights(0, 0, ROWS, COLS, &weights[0][0]);
    dma_wait_sleep(0);
    for (uint32_t i = 0; i < VECS * ROWS; ++i) staging[i] = 0; /* the check regenerates the input */
    dma_start_1d(0, (uint32_t)(uintptr_t)inbuf[0], hbm_input(), CHUNK * ROWS);
    dma_wait_sleep(0);
  }
  eu_barrier();
  const uint64_t t0 = cluster_cycles();
  for (unsigned k = 0; k < NCHUNK; ++k) {
    if (me == 0) {
      start_ima(k);
      if (k + 1 < NCHUNK)
        dma_start_1d(0, (uint32_t)(uintptr_t)inbuf[(k + 1) % 2], hbm_input() + (k + 1) * CHUNK * ROWS, CHUNK * ROWS);
    }
    if (k > 0) requant_chunk(k - 1);  /* overlaps the IMA and the DMA */
    if (me == 0) {
      ima_wait_sleep();
      dma_wait_sleep(0);
    }
    eu_barrier();
  }
  requant_chunk(NCHUNK - 1);
  eu_barrier();
  const uint64_t t1 = cluster_cycles();

  /* Check: each core recomputes its share of the vectors. */
  uint32_t bad = 0;
  int32_t* x = check_x[me];
  int32_t* acc = check_acc[me];
  for (unsigned n = me; n < VECS; n += 16) {
    for (unsigned r = 0; r < ROWS; ++r) x[r] = ima_dac(gen(1, n * ROWS + r), 8);
    for (unsigned c = 0; c < COLS; ++c) acc[c] = 0;
    for (unsigned r = 0; r < ROWS; ++r)
      for (unsigned c = 0; c < COLS; ++c) acc[c] += (int32_t)weights[r][c] * x[r];
    for (unsigned c = 0; c < COLS; ++c)
      if (result[n][c] != nm_requant(ima_adc(acc[c], 8, ADC_SHIFT), REQ_MULT, REQ_SHIFT, 1)) ++bad;
  }
  mismatches[me] = bad;
  eu_barrier();
  if (me == 0) {
    uint32_t total = 0;
    for (unsigned c = 0; c < 16; ++c) total += mismatches[c];
    printf("pipeline: %u vectors x %u outputs in %u cycles, mismatches %u\n", VECS, COLS, (unsigned)(t1 - t0),
           (unsigned)total);
    return total ? 1 : 0;
  }
  return 0;
}
