/* IMA HAL: program the crossbar, describe and trigger job sequences, wait.
 * Header-only, RV32. Register map: contracts/ima_regs.h (the model's own). */
#ifndef HAL_IMA_H
#define HAL_IMA_H

#include <stdint.h>

#include "hal/cluster.h"
#include "hal/event_unit.h"
#include "ima_regs.h"

#define IMA_BASE (CLUSTER_PERIPH_BASE + CLUSTER_PERIPH_IMA)

static inline volatile uint32_t* ima_reg(uint32_t off) { return hal_reg(IMA_BASE + off); }

static inline unsigned ima_rows(void) { return *ima_reg(IMA_REG_INFO) & 0xFFFFu; }
static inline unsigned ima_cols(void) { return *ima_reg(IMA_REG_INFO) >> 16; }

/* One job sequence: `jobs` input vectors of `rows` int8 values (crossbar rows
 * row0..row0+rows-1) at src + j * src_stride, each giving `cols` outputs
 * (columns col0..) of out_size bytes at dst + j * dst_stride. */
typedef struct {
  uint32_t src, dst, src_stride, dst_stride;
  uint32_t row0, rows, col0, cols;
  uint32_t jobs, out_size;
  int32_t adc_shift;            /* < 0: the platform's cluster.ima.adc_shift */
  uint32_t block_len, block_stride; /* gathered input (im2col); block_len 0 = contiguous */
  uint32_t block_offset;            /* the vector starts this many bytes into its first block */
} ima_job_t;

/* Writes the job registers (the sequence starts at ima_trigger()). */
static inline void ima_program_job(const ima_job_t* j) {
  *ima_reg(IMA_REG_SRC_ADDR) = j->src;
  *ima_reg(IMA_REG_DST_ADDR) = j->dst;
  *ima_reg(IMA_REG_SRC_STRIDE) = j->src_stride;
  *ima_reg(IMA_REG_DST_STRIDE) = j->dst_stride;
  *ima_reg(IMA_REG_ROW_OFFSET) = j->row0;
  *ima_reg(IMA_REG_ROWS) = j->rows;
  *ima_reg(IMA_REG_COL_OFFSET) = j->col0;
  *ima_reg(IMA_REG_COLS) = j->cols;
  *ima_reg(IMA_REG_JOBS) = j->jobs;
  *ima_reg(IMA_REG_OUT_SIZE) = j->out_size;
  *ima_reg(IMA_REG_ADC_SHIFT) = j->adc_shift < 0 ? 0u : (IMA_ADC_SHIFT_OVERRIDE | ((uint32_t)j->adc_shift & 0x1Fu));
  *ima_reg(IMA_REG_IN_BLOCK_LEN) = j->block_len;
  *ima_reg(IMA_REG_IN_BLOCK_STRIDE) = j->block_stride;
  *ima_reg(IMA_REG_IN_BLOCK_OFFSET) = j->block_offset;
}

/* Queues the programmed sequence; the registers are latched, so the next
 * sequence may be programmed at once (at most cluster.ima.job_queue waiting). */
static inline void ima_trigger(void) { *ima_reg(IMA_REG_TRIGGER) = 1; }

static inline uint32_t ima_status(void) { return *ima_reg(IMA_REG_STATUS); }
static inline int ima_busy(void) { return (ima_status() & IMA_STATUS_BUSY) != 0; }
static inline unsigned ima_queued(void) { return (ima_status() >> IMA_STATUS_QUEUED_SHIFT) & 0xFFu; }
/* Sequences completed so far, modulo 2^16. */
static inline uint32_t ima_done_count(void) { return ima_status() >> IMA_STATUS_DONE_SHIFT; }

/* Busy-waits until every triggered sequence has written its outputs. */
static inline void ima_wait(void) {
  while (ima_busy()) {
  }
}

/* Sleeps on the IMA's done line until every triggered sequence is complete. */
static inline void ima_wait_sleep(void) {
  while (ima_busy()) eu_wait_line(EU_LINE_IMA_DONE);
}

/* Queues a program sequence (the weight-programming path, IMA_KIND_PROGRAM):
 * crossbar rows row0..row0+rows-1, columns col0..col0+cols-1 take the int8
 * weights of L1, row r at src + r * src_stride. It starts once every earlier
 * sequence is out, takes cluster.ima.program_* time, counts as one completed
 * sequence, and sequences triggered after it compute on the new weights.
 * JOB_KIND is set back to MVM, so ima_program_job() needs no change. */
static inline void ima_program_weights(uint32_t src, uint32_t src_stride, uint32_t row0, uint32_t rows,
                                       uint32_t col0, uint32_t cols) {
  *ima_reg(IMA_REG_SRC_ADDR) = src;
  *ima_reg(IMA_REG_SRC_STRIDE) = src_stride;
  *ima_reg(IMA_REG_ROW_OFFSET) = row0;
  *ima_reg(IMA_REG_ROWS) = rows;
  *ima_reg(IMA_REG_COL_OFFSET) = col0;
  *ima_reg(IMA_REG_COLS) = cols;
  *ima_reg(IMA_REG_JOBS) = 1;
  *ima_reg(IMA_REG_JOB_KIND) = IMA_KIND_PROGRAM;
  ima_trigger();
  *ima_reg(IMA_REG_JOB_KIND) = IMA_KIND_MVM;
}

/* Writes an nrows x ncols row-major block of weights at (row0, col0) through
 * the registers (untimed: load-time programming); ncols and col0 multiples of 4 (one register write moves 4). */
static inline void ima_write_weights(uint32_t row0, uint32_t col0, uint32_t nrows, uint32_t ncols, const int8_t* w) {
  const uint32_t cols = ima_cols();
  for (uint32_t r = 0; r < nrows; ++r) {
    *ima_reg(IMA_REG_WGT_INDEX) = (row0 + r) * cols + col0;
    for (uint32_t c = 0; c < ncols; c += 4) {
      const uint8_t* p = (const uint8_t*)(w + r * ncols + c);
      *ima_reg(IMA_REG_WGT_DATA) = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    }
  }
}

#endif /* HAL_IMA_H */
