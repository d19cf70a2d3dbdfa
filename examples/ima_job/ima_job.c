/* An IMA job from C: program a 64 x 32 block of the crossbar, stream 8 input
 * vectors through it in one job sequence, and check every output against
 * the numerics the IMA model uses (contracts/ima_numerics.h). Core 0 alone. */
#include <stdint.h>
#include <stdio.h>

#include "hal/cluster.h"
#include "hal/ima.h"
#include "ima_numerics.h"

#define ROWS 64      /* crossbar rows used = input vector length */
#define COLS 32      /* crossbar columns used = outputs per vector */
#define VECS 8       /* vectors in the sequence */
#define ADC_SHIFT 12 /* the ADC keeps bits [19:12] of each column sum, rounded */

static int8_t weights[ROWS][COLS];
static int8_t inputs[VECS][ROWS];
static int32_t outputs[VECS][COLS]; /* the IMA writes 4-byte codes (out_size 4) */

static int8_t pattern(uint32_t i) { return (int8_t)((i * 37u + 11u) % 255u - 127); }

int main(void) {
  if (core_id() != 0) return 0;
  for (unsigned i = 0; i < ROWS * COLS; ++i) weights[i / COLS][i % COLS] = pattern(i);
  for (unsigned i = 0; i < VECS * ROWS; ++i) inputs[i / ROWS][i % ROWS] = pattern(3 * i + 1);
  /* Weights go in through the IMA's registers (PCM programming, once). */
  ima_write_weights(0, 0, ROWS, COLS, &weights[0][0]);
  /* One sequence of VECS jobs: job j reads inputs[j] and writes outputs[j]. */
  const ima_job_t job = {.src = (uint32_t)(uintptr_t)inputs, .dst = (uint32_t)(uintptr_t)outputs,
                         .src_stride = ROWS, .dst_stride = COLS * 4, .row0 = 0, .rows = ROWS, .col0 = 0,
                         .cols = COLS, .jobs = VECS, .out_size = 4, .adc_shift = ADC_SHIFT};
  ima_program_job(&job);
  ima_trigger();
  ima_wait_sleep(); /* asleep until the IMA's done event */
  unsigned mismatches = 0;
  for (unsigned v = 0; v < VECS; ++v) {
    int32_t want[COLS];
    ima_mvm(&weights[0][0], COLS, ROWS, 0, COLS, inputs[v], 8, 8, ADC_SHIFT, want);
    for (unsigned c = 0; c < COLS; ++c) mismatches += outputs[v][c] != want[c];
  }
  printf("ima: %u vectors x %u outputs, mismatches %u\n", VECS, COLS, mismatches);
  printf("first outputs: %d %d %d %d\n", (int)outputs[0][0], (int)outputs[0][1], (int)outputs[0][2],
         (int)outputs[0][3]);
  return mismatches == 0 ? 0 : 1;
}
