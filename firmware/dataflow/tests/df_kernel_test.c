/* Runs one digital kernel on data the host put in HBM (df_kernel_test.h):
 * core 0 DMAs the job and its inputs into L1, all cores run the kernel, core 0
 * DMAs the result back and reports the kernel's cycles. The host compares the
 * result with the golden reference. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dataflow/dwconv.h"
#include "dataflow/kernels.h"
#include "df_kernel_test.h"
#include "hal/cluster.h"
#include "hal/dma.h"
#include "hal/event_unit.h"

#define L1_FREE (CLUSTER_LOCAL_BASE + 0x10000u)

static df_kernel_test_t job;
static df_quant_t quant; /* DF_KT_REQUANT_Q */
static uint32_t in_l1, in2_l1, w_l1, tmp_l1, out_l1;

static uint32_t core_instret[32]; /* per core, for the job's instruction count */
static inline uint32_t minstret(void) {
  uint32_t v;
  __asm__ volatile("csrr %0, minstret" : "=r"(v));
  return v;
}

static uint32_t align64(uint32_t a) { return (a + 63u) & ~63u; }

static void fetch(uint32_t dst, uint32_t src, uint32_t bytes) {
  if (bytes) dma_start_1d(0, dst, src, bytes);
}

static void run_kernel(void) {
  const df_kernel_test_t* j = &job;
  df_window_t win = {(const int8_t*)in_l1, j->c, j->h, j->win_w, j->win_x0, j->map_w};
  switch (j->kernel) {
    case DF_KT_REDUCE:
      kern_reduce((int32_t*)out_l1, (const int32_t*)in_l1, j->fan_in, j->rows * j->cols, j->rows * j->cols);
      break;
    case DF_KT_REDUCE_REQUANT:
      kern_reduce_requant((int8_t*)out_l1, j->out_stride, (const int32_t*)in_l1, j->fan_in, j->rows * j->cols, j->rows,
                          j->cols, j->mult, j->shift, (int)j->relu);
      break;
    case DF_KT_REQUANT_Q:
      kern_reduce_requant_q((int8_t*)out_l1, j->out_stride, (const int32_t*)in_l1, j->fan_in, j->rows * j->cols, j->rows,
                            j->cols, &quant);
      break;
    case DF_KT_REDUCE16:
      kern_reduce16((int16_t*)out_l1, (const int16_t*)in_l1, j->fan_in, j->rows * j->cols, j->rows * j->cols);
      break;
    case DF_KT_REQUANT_Q16: {
      uint32_t fan = j->fan_in;
#if VP_XCV
      if (fan > 2 && j->n != 1) { /* as digital_loop.c on CORE-V */
        kern_reduce16((int16_t*)in_l1, (const int16_t*)in_l1, fan, j->rows * j->cols, j->rows * j->cols);
        eu_barrier();
        fan = 1;
      }
#endif
      kern_reduce_requant_q16((int8_t*)out_l1, j->out_stride, (const int16_t*)in_l1, fan, j->rows * j->cols, j->rows,
                              j->cols, &quant);
      break;
    }
    case DF_KT_ADD:
      kern_add((int8_t*)out_l1, (const int8_t*)in_l1, (const int8_t*)in2_l1, j->n, (int)j->relu);
      break;
    case DF_KT_MAXPOOL:
    case DF_KT_AVGPOOL:
      kern_pool((int8_t*)out_l1, &win, j->out_h, j->ox0, j->ox1, j->ksize, j->stride, j->padding,
                j->kernel == DF_KT_MAXPOOL);
      break;
    case DF_KT_FC: {
      df_adc_t adc = {j->chunk_rows, j->dac_bits, j->adc_bits, j->adc_shift};
      kern_mvm((int32_t*)tmp_l1, j->cols, (const int8_t*)in_l1, j->rows, j->n, (const int8_t*)w_l1, j->cols, j->rows,
               j->cols, &adc);
      eu_barrier();
      kern_reduce_requant((int8_t*)out_l1, j->cols, (const int32_t*)tmp_l1, 1, 0, j->n, j->cols, j->mult, j->shift,
                          (int)j->relu);
      break;
    }
    case DF_KT_DWCONV: {
      const df_dw_t dw = {(const int8_t*)w_l1, (const vpwt_channel_t*)in2_l1, j->ksize, j->stride, j->padding,
                          (int)j->relu, j->act_max, 0};
      kern_dwconv((int8_t*)out_l1, &win, j->out_h, j->ox0, j->ox1, &dw);
      break;
    }
    case DF_KT_IM2COL:
      kern_im2col((int8_t*)out_l1, j->r1 - j->r0, &win, j->out_h, j->ox0, j->ox1, j->ksize, j->stride, j->padding,
                  j->r0, j->r1);
      break;
  }
}

/* Job k: fetch, run on all cores, write back. Returns 0, or 3 for a bad job. */
static int run_job(uint32_t k) {
  const unsigned me = core_id();
  const uint32_t desc = DF_KT_JOBS + k * (uint32_t)sizeof(df_kernel_test_t);
  if (me == 0) {
    dma_start_1d(0, (uint32_t)(uintptr_t)&job, desc, sizeof job);
    dma_wait_sleep(0);
    in_l1 = L1_FREE;
    in2_l1 = align64(in_l1 + job.in_bytes);
    w_l1 = align64(in2_l1 + job.in2_bytes);
    tmp_l1 = align64(w_l1 + job.w_bytes);
    out_l1 = align64(tmp_l1 + (job.kernel == DF_KT_FC ? job.n * job.cols * 4 : 0));
    fetch(in_l1, job.in_addr, job.in_bytes);
    fetch(in2_l1, job.in2_addr, job.in2_bytes);
    fetch(w_l1, job.w_addr, job.w_bytes);
    dma_wait_sleep(0);
    if (job.kernel == DF_KT_REQUANT_Q || job.kernel == DF_KT_REQUANT_Q16) {
      quant.relu = (int)job.relu, quant.act_max = job.act_max, quant.uniform = job.uniform;
      quant.mult = job.mult, quant.shift = job.shift, quant.ncols = job.cols;
      if (!job.uniform && job.cols <= DF_MAX_QCOLS) memcpy(quant.ch, (const void*)(uintptr_t)w_l1, job.cols * sizeof(vpwt_channel_t));
    }
  }
  eu_barrier();
  if (job.magic != DF_KT_MAGIC) {
    if (me == 0) printf("bad job magic 0x%08x\n", (unsigned)job.magic);
    return 3;
  }
  const uint64_t t0 = cluster_cycles();
  const uint32_t i0 = minstret();
  run_kernel();
  core_instret[me] = minstret() - i0;
  eu_barrier();
  const uint64_t t1 = cluster_cycles();
  if (me == 0) {
    uint32_t instret = 0;
    for (uint32_t c = 0; c < num_cores(); ++c) instret += core_instret[c];
    dma_start_1d(0, job.out_addr, out_l1, job.out_bytes);
    dma_wait_sleep(0);
    volatile df_kernel_test_t* d = (volatile df_kernel_test_t*)(uintptr_t)desc;
    d->cycles = (uint32_t)(t1 - t0);
    d->instret = instret;
    d->done = 1;
    printf("job %u, kernel %u: %u cycles\n", (unsigned)k, (unsigned)job.kernel, (unsigned)(t1 - t0));
  }
  eu_barrier(); /* the next job's fetch overwrites this one's L1 */
  return 0;
}

int main(void) {
  const uint32_t n = *(volatile uint32_t*)(uintptr_t)DF_KT_DESC;
  if (n > DF_KT_MAX_JOBS) return 4;
  for (uint32_t k = 0; k < n; ++k) {
    int rc = run_job(k);
    if (rc) return rc;
  }
  return 0;
}
