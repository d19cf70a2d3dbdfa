/* Register map of the analog in-memory accelerator (ip/ima), shared by the
 * model and the firmware HAL (firmware/hal/ima.h). C and C++.
 *
 * Offsets from the IMA's base (cluster peripherals + 0x2000); 32-bit
 * registers, word accesses only.
 *
 * A job is one MVM: the input vector (ROWS int8 values) streams in from L1,
 * the crossbar rows [ROW_OFFSET, ROW_OFFSET + ROWS) and columns
 * [COL_OFFSET, COL_OFFSET + COLS) compute, and COLS results of OUT_SIZE bytes
 * stream out to L1. JOBS jobs run back to back, job j reading its input at
 * SRC_ADDR + j * SRC_STRIDE and writing at DST_ADDR + j * DST_STRIDE. An
 * input vector may be gathered from blocks (an im2col patch): IN_BLOCK_LEN
 * bytes at a time, IN_BLOCK_STRIDE apart (IN_BLOCK_LEN = 0: contiguous);
 * the vector may start IN_BLOCK_OFFSET bytes into its first block (a crossbar
 * chunk that begins inside a kernel row), SRC_ADDR pointing at that byte.
 * Addresses are the cluster's own L1 (local alias or its global window).
 *
 * Writing TRIGGER latches the job registers and queues the sequence, so the
 * next one may be programmed at once; queued sequences continue the
 * pipeline without a bubble. Results are ima_mvm() of ima_numerics.h,
 * saturated to OUT_SIZE bytes, little endian.
 *
 * JOB_KIND selects what a trigger queues. IMA_KIND_MVM (reset): the MVM jobs
 * above. IMA_KIND_PROGRAM: the weight-programming path, the crossbar written
 * from L1 by the input streamer: crossbar rows [ROW_OFFSET, ROW_OFFSET + ROWS)
 * and columns [COL_OFFSET, COL_OFFSET + COLS) take int8 weights, row r read
 * from COLS bytes at SRC_ADDR + r * SRC_STRIDE (JOBS must be 1; DST_*,
 * OUT_SIZE, ADC_SHIFT and IN_BLOCK_* are ignored). A program sequence waits
 * until every earlier job has written its outputs, then takes
 * cluster.ima.program_setup_ns plus one cluster.ima.program_row_ns per row,
 * the next row streaming in while one is written; it counts as a completed
 * sequence (done count, IMA_EVENT_DONE) and raises IMA_EVENT_READY when its
 * last row has been read from L1. Jobs triggered after it see the new
 * weights. */
#ifndef IMA_REGS_H
#define IMA_REGS_H

#define IMA_REG_TRIGGER 0x00          /* WO: any value queues the programmed job sequence */
#define IMA_REG_STATUS 0x04           /* RO: IMA_STATUS_BUSY, sequences waiting behind the running one
                                         [15:8] (at most cluster.ima.job_queue), done count [31:16] */
#define IMA_REG_INFO 0x08             /* RO: crossbar rows [15:0], cols [31:16] */
#define IMA_REG_SRC_ADDR 0x10         /* L1 address of job 0's input vector */
#define IMA_REG_DST_ADDR 0x14         /* L1 address of job 0's output vector */
#define IMA_REG_SRC_STRIDE 0x18       /* bytes from one job's input to the next */
#define IMA_REG_DST_STRIDE 0x1C       /* bytes from one job's output to the next */
#define IMA_REG_ROW_OFFSET 0x20       /* first crossbar row (input) used */
#define IMA_REG_ROWS 0x24             /* rows used = input vector length */
#define IMA_REG_COL_OFFSET 0x28       /* first crossbar column (output) used */
#define IMA_REG_COLS 0x2C             /* columns used = output vector length */
#define IMA_REG_JOBS 0x30             /* jobs in the sequence (at least 1) */
#define IMA_REG_OUT_SIZE 0x34         /* bytes per output element: 1, 2 or 4 (reset 1) */
#define IMA_REG_ADC_SHIFT 0x38        /* [4:0] shift; IMA_ADC_SHIFT_OVERRIDE set: use it instead of the platform's */
#define IMA_REG_IN_BLOCK_LEN 0x3C     /* bytes per gathered input block; 0 = contiguous vector */
#define IMA_REG_IN_BLOCK_STRIDE 0x40  /* bytes from one input block to the next */
#define IMA_REG_IN_BLOCK_OFFSET 0x44  /* bytes of the first block before SRC_ADDR (< IN_BLOCK_LEN) */
#define IMA_REG_JOB_KIND 0x48         /* IMA_KIND_MVM (reset) or IMA_KIND_PROGRAM, latched at trigger */
#define IMA_REG_WGT_INDEX 0x50        /* crossbar cell row * cols + col of the next weight access */
#define IMA_REG_WGT_DATA 0x54         /* write: 4 int8 weights at WGT_INDEX.., then WGT_INDEX += 4;
                                         read: the 4 weights at WGT_INDEX (no increment); untimed
                                         (load-time programming), IMA_KIND_PROGRAM is the timed path */

#define IMA_STATUS_BUSY 1u            /* a sequence is queued, running or streaming out */
#define IMA_STATUS_QUEUED_SHIFT 8
#define IMA_STATUS_DONE_SHIFT 16      /* sequences completed, modulo 2^16 */
#define IMA_ADC_SHIFT_OVERRIDE (1u << 31)

#define IMA_KIND_MVM 0u      /* JOB_KIND: MVM jobs (reset value) */
#define IMA_KIND_PROGRAM 1u  /* JOB_KIND: program crossbar weights from L1 */

/* Event lines the IMA raises (the event unit routes them to cores). */
#define IMA_EVENT_DONE 0   /* a triggered sequence's last output is in L1 */
#define IMA_EVENT_READY 1  /* a triggered sequence's last input has been read: its input
                              buffers in L1 may be refilled */

#endif /* IMA_REGS_H */
