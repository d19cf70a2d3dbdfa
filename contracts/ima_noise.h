/* The PCM crossbar's non-idealities, defined once: used by the IMA model
 * (ip/ima) and by the golden reference model (mapping/), so the VP's outputs
 * are checked bit for bit against the reference with noise on. C and C++;
 * host only (needs libm). Formulas and their sources: docs/noise.md.
 *
 * Model (after IBM aihwkit's PCMLikeNoiseModel, Nandakumar et al. 2019):
 *   - an int8 weight w maps to a conductance pair G+ = max(w, 0) / 128 gmax,
 *     G- = max(-w, 0) / 128 gmax (the int8 full scale is gmax);
 *   - programming noise on each device: g_prog = max(0, g + sigma_prog(g) z);
 *   - drift: g(t) = g_prog ((t + t0) / t0)^-nu, nu = |N(mu(g), sd(g))|;
 *   - drift compensation: one digital output scale per crossbar column
 *     window, measured by reference reads right after programming and at
 *     drift_time (ima_noise_measured_compensation), or one global scale
 *     from the model's mean exponent (ima_noise_compensation);
 *   - 1/f read noise, drawn anew for every MVM: each device adds
 *     N(0, |g(t)| Qs(g_prog) sqrt(ln((t + t0 + t_read) / (2 t_read)))), which
 *     for one MVM sums per column to one Gaussian of variance
 *     sum_i x_i^2 var_i (drawn once per column: the same distribution);
 *   - ADC output noise: N(0, adc_noise x the ADC's full scale), per column
 *     and MVM, before the ADC's rounding and saturation; an MVM whose inputs
 *     are all zero outputs 0 (not converted: the firmware skips it).
 *
 * Determinism: every draw comes from a counter-based hash (SplitMix64's
 * finalizer) of the seed and of what both the IMA and the reference know:
 * a device is named by its row's weights over the job's columns and its
 * column index; a per-MVM draw by the driven rows' keys and nonzero inputs
 * and the column index. No global RNG, no cluster or job number, so results
 * do not depend on host, thread, schedule or placement. (Consequence: two
 * crossbars holding the same weights, replicas, have the same devices.) The
 * Gaussian is Irwin-Hall (sum of 12 uniform 16-bit integers), integer and
 * host independent, bounded at 6 sigma.
 *
 * The static part (programming, drift, compensation) is computed once per
 * block with libm (log, pow) and quantized: effective weights in Q8, read
 * noise variances in Q16 (weight units). The per-MVM part is integer except
 * one IEEE sqrt and products, so it is exact on every IEEE-754 host. */
#ifndef IMA_NOISE_H
#define IMA_NOISE_H

#include <math.h>
#include <stdint.h>

#include "ima_numerics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int enabled;          /* 0: the ideal ima_mvm() path */
  uint64_t seed;
  double gmax_us;       /* conductance of |w| = 128 */
  double t0_s;          /* first read after programming (drift reference) */
  double drift_s;       /* time of inference after t0 */
  double t_read_s;      /* 1/f noise fit parameter */
  int compensate;       /* IMA_NOISE_COMP_*: drift compensation */
  double prog_scale, drift_scale, read_scale;  /* 1: aihwkit's model; 0: that source off */
  double adc_noise;     /* sigma of the ADC output noise, fraction of its full scale */
} ima_noise_params;

#define IMA_NOISE_COMP_NONE 0      /* no drift compensation */
#define IMA_NOISE_COMP_GLOBAL 1    /* one scale from the model's mean exponent */
#define IMA_NOISE_COMP_MEASURED 2  /* per crossbar, measured by reference reads */

#define IMA_NOISE_WQ 8   /* effective weights: Q8 */
#define IMA_NOISE_VQ 16  /* read noise variances: Q16 */

/* SplitMix64's output function: a bijective 64-bit mix. */
static inline uint64_t ima_noise_mix(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Standard normal draw number k of stream `key`, times 65536 (Irwin-Hall of
 * 12 uniform 16-bit integers: mean 0, variance 65536^2 - 1). */
static inline int32_t ima_noise_gauss16(uint64_t key, unsigned k) {
  int64_t sum = 0;
  for (unsigned m = 0; m < 3; ++m) {
    const uint64_t u = ima_noise_mix(key ^ ima_noise_mix(0x5EEDull + 3u * k + m));
    sum += (int64_t)(u & 0xFFFF) + (int64_t)((u >> 16) & 0xFFFF) + (int64_t)((u >> 32) & 0xFFFF) +
           (int64_t)(u >> 48);
  }
  return (int32_t)(sum - 6 * 65535);
}

static inline double ima_noise_gauss(uint64_t key, unsigned k) { return ima_noise_gauss16(key, k) / 65536.0; }

/* The stream of one crossbar row: seed and the row's weights over the
 * columns a job uses. It names the row's devices by content, which the IMA
 * and the golden model both know whatever rows a job drives (the firmware
 * skips the zero-padded rows of border pixels). */
static inline uint64_t ima_noise_row_key(uint64_t seed, const int8_t* w, unsigned ncols) {
  uint64_t h = ima_noise_mix(seed ^ ((uint64_t)ncols << 32));
  for (unsigned j = 0; j < ncols; ++j) h = ima_noise_mix(h ^ (uint8_t)w[j]);
  return h;
}

/* aihwkit's PCM statistics, g and gmax in uS. */
static inline double ima_noise_prog_sigma(double g, double gmax) {
  const double r = g / gmax, s = 0.26348 + 1.9650 * r - 1.1731 * r * r;
  return (s > 0 ? s : 0) * gmax / 25.0; /* fitted for gmax = 25 uS */
}
static inline double ima_noise_clamp(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }
static inline double ima_noise_nu_mean(double g, double gmax) {
  const double r = g / gmax > 1e-7 ? g / gmax : 1e-7;
  return ima_noise_clamp(-0.0155 * log(r) + 0.0244, 0.049, 0.1);
}
static inline double ima_noise_nu_spread(double g, double gmax) {
  const double r = g / gmax > 1e-7 ? g / gmax : 1e-7;
  return ima_noise_clamp(-0.0125 * log(r) - 0.0059, 0.008, 0.045);
}
/* Relative 1/f read noise sigma at time t after programming (t includes t0). */
static inline double ima_noise_read_rel(double g_prog, double gmax, double t, double t_read) {
  double d = pow(g_prog / gmax, 0.65);
  if (d < 1e-3) d = 1e-3;
  const double qs = 0.0088 / d < 0.2 ? 0.0088 / d : 0.2;
  return qs * sqrt(log((t + t_read) / (2 * t_read)));
}

/* One device from its target conductance: programmed, drifted conductance
 * and its read noise sigma (all uS). */
static inline void ima_noise_device(const ima_noise_params* p, uint64_t key, double g, double* g_prog,
                                    double* g_t, double* read_sigma) {
  double gp = g + p->prog_scale * ima_noise_prog_sigma(g, p->gmax_us) * ima_noise_gauss(key, 0);
  if (gp < 0) gp = 0;
  const double nu = fabs(ima_noise_nu_mean(g, p->gmax_us) + ima_noise_nu_spread(g, p->gmax_us) * ima_noise_gauss(key, 1)) *
                    p->drift_scale;
  const double t = p->drift_s + p->t0_s;
  const double gt = p->drift_s > 0 ? gp * pow(t / p->t0_s, -nu) : gp;
  *g_prog = gp;
  *g_t = gt;
  *read_sigma = p->read_scale * fabs(gt) * ima_noise_read_rel(gp, p->gmax_us, t, p->t_read_s);
}

/* The device pair of weight v in column j of the row with key rk. */
static inline void ima_noise_pair(const ima_noise_params* p, uint64_t rk, unsigned j, int v, double g_prog[2],
                                  double g_t[2], double read_sigma[2]) {
  for (unsigned d = 0; d < 2; ++d) {
    const int mag = d == 0 ? (v > 0 ? v : 0) : (v < 0 ? -v : 0);
    ima_noise_device(p, ima_noise_mix(rk + (2ull * j + d + 1) * 0xD1B54A32D192ED03ull), mag / 128.0 * p->gmax_us,
                     &g_prog[d], &g_t[d], &read_sigma[d]);
  }
}

/* Global drift compensation (IMA_NOISE_COMP_GLOBAL): the scale a read of an
 * array with all inputs on gives, right after programming and at
 * drift_time, for devices drifting with the model's mean exponent at mid
 * conductance (in aihwkit's fit it is 0.049 for g > 0.2 gmax). 1 in the
 * other modes. */
static inline double ima_noise_compensation(const ima_noise_params* p) {
  if (p->compensate != IMA_NOISE_COMP_GLOBAL || p->drift_s <= 0) return 1.0;
  const double nu = ima_noise_nu_mean(0.5 * p->gmax_us, p->gmax_us) * p->drift_scale;
  return pow((p->drift_s + p->t0_s) / p->t0_s, nu);
}

/* Per-crossbar drift compensation (IMA_NOISE_COMP_MEASURED), measured as
 * the hardware would: a reference read of the crossbar's columns (ncols of
 * them, a job's column window) with every row driven at the same input,
 * once right after programming and once at drift_time. Each read gives
 * sum over the columns of |sum over the rows of (G+ - G-)| (aihwkit's
 * GlobalDriftCompensation readout, here per crossbar); the scale is the
 * first over the second. Read noise is left out (a reference read can
 * average it away). The crossbar's rows are the `rows` given (row stride
 * `stride`) and `zero_rows` more that hold zeros over these columns: the
 * golden model knows its chunk and that the rest of the crossbar is empty,
 * the IMA passes all its rows. The devices are the ones
 * ima_noise_program_block programs (content keyed), and the sums are
 * integers (2^-24 uS), so row order and placement do not matter. `acc`:
 * scratch for 2 ncols values. Returns 1 without drift. */
static inline double ima_noise_measured_compensation(const ima_noise_params* p, const int8_t* w, unsigned long stride,
                                                     unsigned rows, unsigned ncols, unsigned long zero_rows,
                                                     int64_t* acc) {
  if (p->drift_s <= 0 || ncols == 0) return 1.0;
  const double q = 16777216.0; /* 2^24 per uS */
  double gp[2], gt[2], rs[2];
  for (unsigned j = 0; j < 2 * ncols; ++j) acc[j] = 0;
  for (unsigned i = 0; i < rows; ++i) {
    const int8_t* wr = w + (unsigned long)i * stride;
    unsigned nz = 0;
    for (unsigned j = 0; j < ncols && !nz; ++j) nz = wr[j] != 0;
    if (!nz) { /* an empty row: all empty rows have the same devices */
      ++zero_rows;
      continue;
    }
    const uint64_t rk = ima_noise_row_key(p->seed, wr, ncols);
    for (unsigned j = 0; j < ncols; ++j) {
      ima_noise_pair(p, rk, j, wr[j], gp, gt, rs);
      acc[j] += llround((gp[0] - gp[1]) * q);
      acc[ncols + j] += llround((gt[0] - gt[1]) * q);
    }
  }
  if (zero_rows) {
    uint64_t rk = ima_noise_mix(p->seed ^ ((uint64_t)ncols << 32)); /* ima_noise_row_key of zeros */
    for (unsigned j = 0; j < ncols; ++j) rk = ima_noise_mix(rk ^ 0u);
    for (unsigned j = 0; j < ncols; ++j) {
      ima_noise_pair(p, rk, j, 0, gp, gt, rs);
      acc[j] += (int64_t)zero_rows * llround((gp[0] - gp[1]) * q);
      acc[ncols + j] += (int64_t)zero_rows * llround((gt[0] - gt[1]) * q);
    }
  }
  int64_t at_prog = 0, at_t = 0;
  for (unsigned j = 0; j < ncols; ++j) {
    at_prog += acc[j] < 0 ? -acc[j] : acc[j];
    at_t += acc[ncols + j] < 0 ? -acc[ncols + j] : acc[ncols + j];
  }
  return at_t > 0 && at_prog > 0 ? (double)at_prog / (double)at_t : 1.0;
}

/* Programs a block of `rows` rows (row stride `stride`) by ncols columns:
 * effective weights (Q8) and read noise variances (Q16, weight units
 * squared), column-major (weff[j * rows + i]), and each row's key, with the
 * digital drift compensation `comp` (a scale on the outputs). A weight w
 * maps to G+ = max(w, 0) / 128 gmax, G- = max(-w, 0) / 128 gmax. */
static inline void ima_noise_program_block_comp(const ima_noise_params* p, const int8_t* w, unsigned long stride,
                                                unsigned rows, unsigned ncols, double comp, int32_t* weff,
                                                uint64_t* var, uint64_t* row_keys) {
  const double scale = 128.0 / p->gmax_us * comp; /* uS -> weight units */
  for (unsigned i = 0; i < rows; ++i) {
    const int8_t* wr = w + (unsigned long)i * stride;
    const uint64_t rk = ima_noise_row_key(p->seed, wr, ncols);
    row_keys[i] = rk;
    for (unsigned j = 0; j < ncols; ++j) {
      double gp[2], gt[2], rs[2];
      ima_noise_pair(p, rk, j, wr[j], gp, gt, rs);
      weff[(unsigned long)j * rows + i] = (int32_t)llround((gt[0] - gt[1]) * scale * (1 << IMA_NOISE_WQ));
      var[(unsigned long)j * rows + i] =
          (uint64_t)llround((rs[0] * rs[0] + rs[1] * rs[1]) * scale * scale * (double)(1 << IMA_NOISE_VQ));
    }
  }
}

/* The same with the global compensation (none in the other modes: a
 * measured one needs the crossbar, ima_noise_measured_compensation). */
static inline void ima_noise_program_block(const ima_noise_params* p, const int8_t* w, unsigned long stride,
                                           unsigned rows, unsigned ncols, int32_t* weff, uint64_t* var,
                                           uint64_t* row_keys) {
  ima_noise_program_block_comp(p, w, stride, rows, ncols, ima_noise_compensation(p), weff, var, row_keys);
}

/* The per-MVM stream of a job: its driven rows (by key) and their inputs
 * after the DAC; rows with input 0 do not count, so driving a zero-padded
 * row or not gives the same stream. A sum, not an xor: two equal rows
 * with equal inputs must not cancel. */
static inline uint64_t ima_noise_input_key(const uint64_t* row_keys, const int8_t* in, unsigned rows,
                                           unsigned dac_bits) {
  uint64_t h = 0x1F0ull;
  for (unsigned r = 0; r < rows; ++r) {
    const int32_t x = ima_dac(in[r], dac_bits);
    if (x != 0) h += ima_noise_mix(row_keys[r] ^ ima_noise_mix((uint64_t)(uint32_t)x));
  }
  return ima_noise_mix(h);
}

/* One noisy MVM over a programmed block of ncols columns of `rows` rows each,
 * column-major (weff[j * rows + i]); out[j] as ima_mvm() gives it. */
static inline void ima_mvm_noisy(const ima_noise_params* p, const int32_t* weff, const uint64_t* var,
                                 const uint64_t* row_keys, unsigned rows, unsigned ncols, const int8_t* in,
                                 unsigned dac_bits, unsigned adc_bits, unsigned adc_shift, int32_t* out) {
  const uint64_t ik = ima_noise_input_key(row_keys, in, rows, dac_bits);
  /* All inputs zero: 0, as ideally. The firmware skips such MVMs (a chunk
   * wholly in a border pixel's padding), so no conversion happens, and the
   * golden model, which computes them, must agree. */
  unsigned any = 0;
  for (unsigned r = 0; r < rows && !any; ++r) any = ima_dac(in[r], dac_bits) != 0;
  if (!any) {
    for (unsigned j = 0; j < ncols; ++j) out[j] = 0;
    return;
  }
  /* ADC noise in accumulator units (one ADC code = 2^adc_shift), Q8. */
  const double adc_sigma = p->adc_noise * ldexp(1.0, (int)(adc_bits >= 32 ? 31 : adc_bits - 1) + (int)adc_shift +
                                                          IMA_NOISE_WQ);
  for (unsigned j = 0; j < ncols; ++j) {
    const int32_t* wj = weff + (unsigned long)j * rows;
    const uint64_t* vj = var + (unsigned long)j * rows;
    int64_t a = 0;
    uint64_t s = 0;
    for (unsigned r = 0; r < rows; ++r) {
      const int64_t x = ima_dac(in[r], dac_bits);
      a += (int64_t)wj[r] * x;
      s += vj[r] * (uint64_t)(x * x);
    }
    const uint64_t mk = ima_noise_mix(ik + (j + 1ull) * 0x9E3779B97F4A7C15ull);
    /* var is Q16, so sqrt(s) is the read noise sigma in Q8. */
    const double n = sqrt((double)s) * ima_noise_gauss(mk, 0) + adc_sigma * ima_noise_gauss(mk, 1);
    out[j] = ima_adc(ima_round_shift(a + (int64_t)llround(n), IMA_NOISE_WQ), adc_bits, adc_shift);
  }
}

#ifdef __cplusplus
}
#endif

#endif /* IMA_NOISE_H */
