/* The digital kernels' inner loops with CV32E40P's CORE-V extensions
 * (hal/corev.h): hardware loops, post-increment loads and stores, clips,
 * packed-SIMD max and sums, PULP-NN style. Included by kernels.c when built
 * for core.isa rv32imc_xcv (VP_XCV); the results are those of the RV32IMC
 * paths bit for bit (contracts/numerics.h). */
#ifndef DATAFLOW_KERNELS_XCV_H
#define DATAFLOW_KERNELS_XCV_H

#include <stdint.h>
#include <string.h>

#include "hal/corev.h"
#include "kernels.h"
#include "numerics.h"

/* Requantization in 32 bits: an accumulator at or beyond `bound` (below
 * -bound - 1) saturates to 127 (-128) anyway, so clamping it there first
 * (cv.clipr) keeps acc * mult within int32, and round-half-up((acc * mult) /
 * 2^shift) is one mul and one cv.addRNr; cv.clip/cv.clipu saturate (and ReLU). */
typedef struct {
  int32_t mult, bound;
  uint32_t shift;
  int ok; /* 0: the layer's mult/shift need the 64-bit paths */
} xcv_rq_t;

static inline xcv_rq_t xcv_rq_plan(int32_t mult, uint32_t shift) {
  xcv_rq_t x = {mult, 0, shift, 0};
  if (mult <= 0 || shift > 23) return x;
  /* smallest b with b * mult > 128 * 2^shift: round(b * mult / 2^shift) >= 128 */
  const uint32_t b = (128u << shift) / (uint32_t)mult + 1u;
  if ((int64_t)(b + 1u) * mult + ((int64_t)1 << shift) > INT32_MAX) return x;
  x.bound = (int32_t)b;
  x.ok = 1;
  return x;
}

static inline int8_t xcv_rq1(int32_t acc, const xcv_rq_t* x, int relu) {
  const int32_t v = cv_addrnr(cv_clipr(acc, x->bound) * x->mult, 0, x->shift);
  return (int8_t)(relu ? cv_clipu(v, 8) : cv_clip(v, 8));
}

/* Two elements per hardware-loop iteration, loads two ahead of their use (no load-use stall). */
#define XCV_RQ_TAIL(CLIP)                                        \
  ".insn r 0x2b, 3, 0x3a, t0, t0, %[b]\n"                        \
  ".insn r 0x2b, 3, 0x3a, t1, t1, %[b]\n"                        \
  "mul t0, t0, %[m]\n"                                           \
  "mul t1, t1, %[m]\n"                                           \
  ".insn r 0x2b, 3, 0x42, t0, zero, %[sh]\n"                     \
  ".insn r 0x2b, 3, 0x42, t1, zero, %[sh]\n"                     \
  ".insn r 0x2b, 3, " CLIP ", t0, t0, x8\n"                      \
  ".insn r 0x2b, 3, " CLIP ", t1, t1, x8\n"                      \
  ".insn s 0x2b, 0, t0, 1(%[d])\n"                               \
  ".insn s 0x2b, 0, t1, 1(%[d])\n"
#define XCV_RQ1_BODY(CLIP)                                       \
  ".insn i 0x0b, 2, t0, 4(%[s])\n"                               \
  ".insn i 0x0b, 2, t1, 4(%[s])\n" XCV_RQ_TAIL(CLIP)
#define XCV_RQ2_BODY(CLIP)                                       \
  ".insn i 0x0b, 2, t0, 4(%[s])\n"                               \
  ".insn i 0x0b, 2, t2, 4(%[s1])\n"                              \
  ".insn i 0x0b, 2, t1, 4(%[s])\n"                               \
  ".insn i 0x0b, 2, t3, 4(%[s1])\n"                              \
  "add t0, t0, t2\n"                                             \
  "add t1, t1, t3\n" XCV_RQ_TAIL(CLIP)

/* d[i] = requant(s0[i] (+ s1[i] when s1)), i < n. */
static inline void xcv_requant(int8_t* d, const int32_t* s0, const int32_t* s1, uint32_t n, const xcv_rq_t* x,
                               int relu) {
  register uint32_t pairs __asm__("a5") = n / 2;
  const int32_t m = x->mult, b = x->bound;
  const uint32_t sh = x->shift;
  if (pairs) {
    if (s1 && relu)
      __asm__ volatile(CV_HWLOOP0_BEGIN XCV_RQ2_BODY("0x39") CV_HWLOOP0_END
                       : [s] "+r"(s0), [s1] "+r"(s1), [d] "+r"(d)
                       : "r"(pairs), [b] "r"(b), [m] "r"(m), [sh] "r"(sh)
                       : "t0", "t1", "t2", "t3", "memory");
    else if (s1)
      __asm__ volatile(CV_HWLOOP0_BEGIN XCV_RQ2_BODY("0x38") CV_HWLOOP0_END
                       : [s] "+r"(s0), [s1] "+r"(s1), [d] "+r"(d)
                       : "r"(pairs), [b] "r"(b), [m] "r"(m), [sh] "r"(sh)
                       : "t0", "t1", "t2", "t3", "memory");
    else if (relu)
      __asm__ volatile(CV_HWLOOP0_BEGIN XCV_RQ1_BODY("0x39") CV_HWLOOP0_END
                       : [s] "+r"(s0), [d] "+r"(d)
                       : "r"(pairs), [b] "r"(b), [m] "r"(m), [sh] "r"(sh)
                       : "t0", "t1", "memory");
    else
      __asm__ volatile(CV_HWLOOP0_BEGIN XCV_RQ1_BODY("0x38") CV_HWLOOP0_END
                       : [s] "+r"(s0), [d] "+r"(d)
                       : "r"(pairs), [b] "r"(b), [m] "r"(m), [sh] "r"(sh)
                       : "t0", "t1", "memory");
  }
  if (n & 1) *d = xcv_rq1(s1 ? nm_reduce(*s0, *s1) : *s0, x, relu);
}

/* d[i] = a[i] + b[i] (int32), i < n (d may be a or b). */
static inline void xcv_reduce2(int32_t* d, const int32_t* a, const int32_t* b, uint32_t n) {
  register uint32_t pairs __asm__("a5") = n / 2;
  if (pairs)
    __asm__ volatile(CV_HWLOOP0_BEGIN
                     ".insn i 0x0b, 2, t0, 4(%[a])\n"
                     ".insn i 0x0b, 2, t1, 4(%[b])\n"
                     ".insn i 0x0b, 2, t2, 4(%[a])\n"
                     ".insn i 0x0b, 2, t3, 4(%[b])\n"
                     "add t0, t0, t1\n"
                     "add t2, t2, t3\n"
                     ".insn s 0x2b, 2, t0, 4(%[d])\n"
                     ".insn s 0x2b, 2, t2, 4(%[d])\n" CV_HWLOOP0_END
                     : [a] "+r"(a), [b] "+r"(b), [d] "+r"(d)
                     : "r"(pairs)
                     : "t0", "t1", "t2", "t3", "memory");
  if (n & 1) *d = nm_reduce(*a, *b);
}

/* d[i] = requant(sum over k < fan_in of src[k * stride + i]), i < n: fan-in 1
 * and 2 in one pass; above, all but the last input are summed in a stack
 * buffer, 64 elements at a time, then the fan-in-2 pass. */
static inline void xcv_reduce_requant(int8_t* d, const int32_t* src, uint32_t fan_in, uint32_t stride, uint32_t n,
                                      const xcv_rq_t* x, int relu) {
  if (fan_in <= 2) {
    xcv_requant(d, src, fan_in == 2 ? src + stride : 0, n, x, relu);
    return;
  }
  int32_t tmp[64];
  for (uint32_t i = 0; i < n; i += 64) {
    const uint32_t m = n - i < 64 ? n - i : 64;
    xcv_reduce2(tmp, src + i, src + stride + i, m);
    for (uint32_t k = 2; k + 1 < fan_in; ++k) xcv_reduce2(tmp, tmp, src + k * stride + i, m);
    xcv_requant(d + i, tmp, src + (fan_in - 1) * stride + i, m, x, relu);
  }
}

/* sum over r < n of w[r * stride] * x[r] (int8 x int8, exact in int32): cv.lb
 * with register post-increment down a weight column, cv.mac. */
static inline int32_t xcv_dot_column(const int8_t* w, uint32_t stride, const int8_t* x, uint32_t n) {
  register uint32_t pairs __asm__("a5") = n / 2;
  int32_t sum = 0;
  if (pairs)
    __asm__ volatile(CV_HWLOOP0_BEGIN
                     ".insn r 0x2b, 3, 0x00, t0, %[w], %[st]\n"
                     ".insn i 0x0b, 0, t1, 1(%[x])\n"
                     ".insn r 0x2b, 3, 0x00, t2, %[w], %[st]\n"
                     ".insn i 0x0b, 0, t3, 1(%[x])\n"
                     ".insn r 0x2b, 3, 0x48, %[sum], t0, t1\n"
                     ".insn r 0x2b, 3, 0x48, %[sum], t2, t3\n" CV_HWLOOP0_END
                     : [w] "+r"(w), [x] "+r"(x), [sum] "+r"(sum)
                     : "r"(pairs), [st] "r"(stride)
                     : "t0", "t1", "t2", "t3", "memory");
  if (n & 1) sum += (int32_t)*w * *x;
  return sum;
}

/* d[i] = nm_add(a[i], b[i], relu), i < n: saturating int8 add (cv.clip 8, or cv.clipu 8 with ReLU). */
#define XCV_ADD_BODY(CLIP)                       \
  ".insn i 0x0b, 0, t0, 1(%[a])\n"               \
  ".insn i 0x0b, 0, t1, 1(%[b])\n"               \
  ".insn i 0x0b, 0, t2, 1(%[a])\n"               \
  ".insn i 0x0b, 0, t3, 1(%[b])\n"               \
  "add t0, t0, t1\n"                             \
  "add t2, t2, t3\n"                             \
  ".insn r 0x2b, 3, " CLIP ", t0, t0, x8\n"      \
  ".insn r 0x2b, 3, " CLIP ", t2, t2, x8\n"      \
  ".insn s 0x2b, 0, t0, 1(%[d])\n"               \
  ".insn s 0x2b, 0, t2, 1(%[d])\n"
static inline void xcv_add(int8_t* d, const int8_t* a, const int8_t* b, uint32_t n, int relu) {
  register uint32_t pairs __asm__("a5") = n / 2;
  if (pairs && relu)
    __asm__ volatile(CV_HWLOOP0_BEGIN XCV_ADD_BODY("0x39") CV_HWLOOP0_END
                     : [a] "+r"(a), [b] "+r"(b), [d] "+r"(d)
                     : "r"(pairs)
                     : "t0", "t1", "t2", "t3", "memory");
  else if (pairs)
    __asm__ volatile(CV_HWLOOP0_BEGIN XCV_ADD_BODY("0x38") CV_HWLOOP0_END
                     : [a] "+r"(a), [b] "+r"(b), [d] "+r"(d)
                     : "r"(pairs)
                     : "t0", "t1", "t2", "t3", "memory");
  if (n & 1) *d = nm_add(*a, *b, relu);
}

/* Four channels [ch, ch + 4) of one pool output over the in-map window rows
 * [ya, yb) and columns [xa, xb): cv.max.b per word, or sums in two
 * half-word vectors (even and odd channels) for the average. */
static inline void xcv_pool4(int8_t* q, const df_window_t* in, uint32_t ch, int32_t ya, int32_t yb, int32_t xa,
                             int32_t xb, int is_max) {
  const uint32_t step = in->c / 4; /* words between horizontally adjacent pixels */
  uint32_t mx = 0x80808080u, even = 0, odd = 0;
  for (int32_t y = ya; y < yb; ++y) {
    const uint32_t* p =
        (const uint32_t*)(in->data + ((uint32_t)y * in->w + (uint32_t)(xa - in->x0)) * in->c + ch);
    if (is_max) {
      for (int32_t x = xa; x < xb; ++x, p += step) mx = cv_max_b(mx, *p);
    } else {
      for (int32_t x = xa; x < xb; ++x, p += step) {
        const uint32_t w = *p;
        odd = cv_add_h(odd, cv_sra8_h(w));
        even = cv_add_h(even, cv_sra8_h(cv_sll8_h(w)));
      }
    }
  }
  if (is_max) {
    memcpy(q, &mx, 4);
    return;
  }
  const int32_t count = (yb - ya) * (xb - xa);
  q[0] = nm_average((int16_t)even, count);
  q[1] = nm_average((int16_t)odd, count);
  q[2] = nm_average((int16_t)(even >> 16), count);
  q[3] = nm_average((int16_t)(odd >> 16), count);
}

#endif /* DATAFLOW_KERNELS_XCV_H */
