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
#include "requant.h"

/* One element as the loops below compute it (the clamp at hb and no clip when the plan allows). */
static inline int8_t xcv_rq1(int32_t acc, const xcv_rq_t* x, int relu) {
  if (x->noclip) return (int8_t)cv_addrnr((relu ? cv_clipur(acc, x->hb) : cv_clipr(acc, x->hb)) * x->mult, 0, x->shift);
  const int32_t v = cv_addrnr(cv_clipr(acc, x->bound) * x->mult, 0, x->shift);
  return (int8_t)(relu ? cv_clipu(v, 8) : cv_clip(v, 8));
}

/* Four elements per hardware-loop iteration, packed into one word store
 * (cv.packlo.b, cv.packhi.b); loads at least two instructions ahead of their
 * use (no load-use stall). CLAMP: cv.clipr (0x3a) or cv.clipur (0x3b, ReLU
 * without clips); CLIPS: XCV_RQ_CLIPS(cv.clip 0x38 or, with ReLU, cv.clipu
 * 0x39), or nothing when the plan says the clamp already keeps the codes in range. */
#define XCV_RQ_CLIPS(CLIP)                                        \
  ".insn r 0x2b, 3, " CLIP ", t0, t0, x8\n"                       \
  ".insn r 0x2b, 3, " CLIP ", t1, t1, x8\n"                       \
  ".insn r 0x2b, 3, " CLIP ", t2, t2, x8\n"                       \
  ".insn r 0x2b, 3, " CLIP ", t3, t3, x8\n"
#define XCV_RQ4_TAIL(CLAMP, CLIPS)                                \
  ".insn r 0x2b, 3, " CLAMP ", t0, t0, %[b]\n"                    \
  ".insn r 0x2b, 3, " CLAMP ", t1, t1, %[b]\n"                    \
  ".insn r 0x2b, 3, " CLAMP ", t2, t2, %[b]\n"                    \
  ".insn r 0x2b, 3, " CLAMP ", t3, t3, %[b]\n"                    \
  "mul t0, t0, %[m]\n"                                            \
  "mul t1, t1, %[m]\n"                                            \
  "mul t2, t2, %[m]\n"                                            \
  "mul t3, t3, %[m]\n"                                            \
  ".insn r 0x2b, 3, 0x42, t0, zero, %[sh]\n"                      \
  ".insn r 0x2b, 3, 0x42, t1, zero, %[sh]\n"                      \
  ".insn r 0x2b, 3, 0x42, t2, zero, %[sh]\n"                      \
  ".insn r 0x2b, 3, 0x42, t3, zero, %[sh]\n"                      \
  CLIPS                                                           \
  ".insn r 0x7b, 1, 0x7c, t1, t1, t0\n" /* bytes 1:0 = t1, t0 */  \
  ".insn r 0x7b, 1, 0x7d, t1, t3, t2\n" /* bytes 3:2 = t3, t2 */  \
  ".insn s 0x2b, 2, t1, 4(%[d])\n"
/* The four variants of a body (BODY(CLAMP, CLIPS)) with the operands OUTS, INS and clobbers CLOB (macro names). */
#define XCV_RQ_INS "r"(words), [b] "r"(x->noclip ? x->hb : x->bound), [m] "r"(x->mult), [sh] "r"(x->shift)
#define XCV_RQ_RUN(BODY, OUTS, INS, CLOB)                                                                       \
  do {                                                                                                      \
    if (x->noclip && relu)                                                                                  \
      __asm__ volatile(CV_HWLOOP0_BEGIN BODY("0x3b", "") CV_HWLOOP0_END : OUTS : INS : CLOB);                \
    else if (x->noclip)                                                                                     \
      __asm__ volatile(CV_HWLOOP0_BEGIN BODY("0x3a", "") CV_HWLOOP0_END : OUTS : INS : CLOB);                \
    else if (relu)                                                                                          \
      __asm__ volatile(CV_HWLOOP0_BEGIN BODY("0x3a", XCV_RQ_CLIPS("0x39")) CV_HWLOOP0_END : OUTS : INS     \
                       : CLOB);                                                                             \
    else                                                                                                    \
      __asm__ volatile(CV_HWLOOP0_BEGIN BODY("0x3a", XCV_RQ_CLIPS("0x38")) CV_HWLOOP0_END : OUTS : INS     \
                       : CLOB);                                                                             \
  } while (0)
#define XCV_RQ_OUT1 [s] "+r"(s0), [d] "+r"(d)
#define XCV_RQ_OUT2 [s] "+r"(s0), [s1] "+r"(s1), [d] "+r"(d)
#define XCV_RQ_OUT3 [s] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [d] "+r"(d)
#define XCV_RQ_CLOB4 "t0", "t1", "t2", "t3", "memory"
#define XCV_RQ_CLOB6 "t0", "t1", "t2", "t3", "t4", "t5", "memory"
#define XCV_RQ1_BODY(CLAMP, CLIPS)                                        \
  ".insn i 0x0b, 2, t0, 4(%[s])\n"                                \
  ".insn i 0x0b, 2, t1, 4(%[s])\n"                                \
  ".insn i 0x0b, 2, t2, 4(%[s])\n"                                \
  ".insn i 0x0b, 2, t3, 4(%[s])\n" XCV_RQ4_TAIL(CLAMP, CLIPS)
#define XCV_RQ2_BODY(CLAMP, CLIPS)                                        \
  ".insn i 0x0b, 2, t0, 4(%[s])\n"                                \
  ".insn i 0x0b, 2, t4, 4(%[s1])\n"                               \
  ".insn i 0x0b, 2, t1, 4(%[s])\n"                                \
  ".insn i 0x0b, 2, t5, 4(%[s1])\n"                               \
  "add t0, t0, t4\n"                                              \
  ".insn i 0x0b, 2, t2, 4(%[s])\n"                                \
  ".insn i 0x0b, 2, t4, 4(%[s1])\n"                               \
  "add t1, t1, t5\n"                                              \
  ".insn i 0x0b, 2, t3, 4(%[s])\n"                                \
  ".insn i 0x0b, 2, t5, 4(%[s1])\n"                               \
  "add t2, t2, t4\n"                                              \
  "nop\n" /* t5 is loaded one instruction ago */                  \
  "add t3, t3, t5\n" XCV_RQ4_TAIL(CLAMP, CLIPS)

#define XCV_RQ3_BODY(CLAMP, CLIPS)                                        \
  ".insn i 0x0b, 2, t0, 4(%[s])\n"                                \
  ".insn i 0x0b, 2, t4, 4(%[s1])\n"                               \
  ".insn i 0x0b, 2, t5, 4(%[s2])\n"                               \
  ".insn i 0x0b, 2, t1, 4(%[s])\n"                                \
  "add t0, t0, t4\n"                                              \
  ".insn i 0x0b, 2, t4, 4(%[s1])\n"                               \
  "add t0, t0, t5\n"                                              \
  ".insn i 0x0b, 2, t5, 4(%[s2])\n"                               \
  ".insn i 0x0b, 2, t2, 4(%[s])\n"                                \
  "add t1, t1, t4\n"                                              \
  ".insn i 0x0b, 2, t4, 4(%[s1])\n"                               \
  "add t1, t1, t5\n"                                              \
  ".insn i 0x0b, 2, t5, 4(%[s2])\n"                               \
  ".insn i 0x0b, 2, t3, 4(%[s])\n"                                \
  "add t2, t2, t4\n"                                              \
  ".insn i 0x0b, 2, t4, 4(%[s1])\n"                               \
  "add t2, t2, t5\n"                                              \
  ".insn i 0x0b, 2, t5, 4(%[s2])\n"                               \
  "add t3, t3, t4\n"                                              \
  "add t3, t3, t5\n" XCV_RQ4_TAIL(CLAMP, CLIPS)

/* d[i] = requant(s0[i] + s1[i] + s2[i]), i < n: three streams in one pass
 * (a reduction node of fan-in 3), no intermediate buffer. */
static inline void xcv_requant3(int8_t* d, const int32_t* s0, const int32_t* s1, const int32_t* s2, uint32_t n,
                                const xcv_rq_t* x, int relu) {
  while (n && ((uintptr_t)d & 3)) {
    *d++ = xcv_rq1(nm_reduce(nm_reduce(*s0++, *s1++), *s2++), x, relu);
    --n;
  }
  register uint32_t words __asm__("a5") = n / 4;
  if (words) XCV_RQ_RUN(XCV_RQ3_BODY, XCV_RQ_OUT3, XCV_RQ_INS, XCV_RQ_CLOB6);
  for (uint32_t i = 0; i < (n & 3); ++i) d[i] = xcv_rq1(nm_reduce(nm_reduce(s0[i], s1[i]), s2[i]), x, relu);
}

/* d[i] = requant(s0[i] (+ s1[i] when s1)), i < n, for partial sums of type T
 * summed by ADD: the int32 xcv_requant here, the int16 xcv_requant16 below
 * (with the cv.lh loop bodies). Bytes one by one up to a word boundary of d,
 * then four per iteration, then the tail. */
#define XCV_REQUANT_FN(NAME, T, ADD, BODY2, BODY1)                                                        \
  static inline void NAME(int8_t* d, const T* s0, const T* s1, uint32_t n, const xcv_rq_t* x, int relu) { \
    while (n && ((uintptr_t)d & 3)) {                                                                    \
      *d++ = xcv_rq1(s1 ? ADD(*s0, *s1) : *s0, x, relu);                                                 \
      ++s0, --n;                                                                                         \
      if (s1) ++s1;                                                                                      \
    }                                                                                                    \
    register uint32_t words __asm__("a5") = n / 4;                                                       \
    if (words) {                                                                                         \
      if (s1)                                                                                            \
        XCV_RQ_RUN(BODY2, XCV_RQ_OUT2, XCV_RQ_INS, XCV_RQ_CLOB6);                                        \
      else                                                                                               \
        XCV_RQ_RUN(BODY1, XCV_RQ_OUT1, XCV_RQ_INS, XCV_RQ_CLOB4);                                        \
    }                                                                                                    \
    for (uint32_t i = 0; i < (n & 3); ++i) d[i] = xcv_rq1(s1 ? ADD(s0[i], s1[i]) : s0[i], x, relu);      \
  }
#define XCV_PLUS(a, b) ((a) + (b))
XCV_REQUANT_FN(xcv_requant, int32_t, nm_reduce, XCV_RQ2_BODY, XCV_RQ1_BODY)

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

/* The sum of F inputs into register A, for one output at p: cv.lw
 * register-register at the other tiles' offsets (o1..o6: k * tile stride in
 * bytes), then the post-increment cv.lw of the first tile (p steps to the
 * next output), two temporaries X and Y alternating; every load is two
 * instructions ahead of its use (no load-use stall). F loads, F - 1 adds. */
#define XCV_SUM_L(k, r) ".insn r 0x2b, 3, 0x06, " r ", %[p], %[o" #k "]\n"
#define XCV_SUM_PI(r) ".insn i 0x0b, 2, " r ", 4(%[p])\n"
#define XCV_SUM_ADD(a, b) "add " a ", " a ", " b "\n"
/* XCV_SUMn_P: the same with the first tile's load PI (XCV_SUM_PI, or XCV_SUM_PIC down a column). */
#define XCV_SUM3_P(A, X, Y, PI) XCV_SUM_L(1, A) XCV_SUM_L(2, X) PI(Y) XCV_SUM_ADD(A, X) XCV_SUM_ADD(A, Y)
#define XCV_SUM4_P(A, X, Y, PI) \
  XCV_SUM_L(1, A) XCV_SUM_L(2, X) XCV_SUM_L(3, Y) XCV_SUM_ADD(A, X) PI(X) XCV_SUM_ADD(A, Y) XCV_SUM_ADD(A, X)
#define XCV_SUM5_P(A, X, Y, PI)                                                                                   \
  XCV_SUM_L(1, A) XCV_SUM_L(2, X) XCV_SUM_L(3, Y) XCV_SUM_ADD(A, X) XCV_SUM_L(4, X) XCV_SUM_ADD(A, Y)        \
  PI(Y) XCV_SUM_ADD(A, X) XCV_SUM_ADD(A, Y)
#define XCV_SUM6_P(A, X, Y, PI)                                                                                   \
  XCV_SUM_L(1, A) XCV_SUM_L(2, X) XCV_SUM_L(3, Y) XCV_SUM_ADD(A, X) XCV_SUM_L(4, X) XCV_SUM_ADD(A, Y)        \
  XCV_SUM_L(5, Y) XCV_SUM_ADD(A, X) PI(X) XCV_SUM_ADD(A, Y) XCV_SUM_ADD(A, X)
#define XCV_SUM7_P(A, X, Y, PI)                                                                                   \
  XCV_SUM_L(1, A) XCV_SUM_L(2, X) XCV_SUM_L(3, Y) XCV_SUM_ADD(A, X) XCV_SUM_L(4, X) XCV_SUM_ADD(A, Y)        \
  XCV_SUM_L(5, Y) XCV_SUM_ADD(A, X) XCV_SUM_L(6, X) XCV_SUM_ADD(A, Y) PI(Y) XCV_SUM_ADD(A, X)       \
  XCV_SUM_ADD(A, Y)
/* Eight and nine inputs (o7, o8: the column passes only). */
#define XCV_SUM8_P(A, X, Y, PI)                                                                              \
  XCV_SUM_L(1, A) XCV_SUM_L(2, X) XCV_SUM_L(3, Y) XCV_SUM_ADD(A, X) XCV_SUM_L(4, X) XCV_SUM_ADD(A, Y)        \
  XCV_SUM_L(5, Y) XCV_SUM_ADD(A, X) XCV_SUM_L(6, X) XCV_SUM_ADD(A, Y) XCV_SUM_L(7, Y) XCV_SUM_ADD(A, X)      \
  PI(X) XCV_SUM_ADD(A, Y) XCV_SUM_ADD(A, X)
#define XCV_SUM9_P(A, X, Y, PI)                                                                              \
  XCV_SUM_L(1, A) XCV_SUM_L(2, X) XCV_SUM_L(3, Y) XCV_SUM_ADD(A, X) XCV_SUM_L(4, X) XCV_SUM_ADD(A, Y)        \
  XCV_SUM_L(5, Y) XCV_SUM_ADD(A, X) XCV_SUM_L(6, X) XCV_SUM_ADD(A, Y) XCV_SUM_L(7, Y) XCV_SUM_ADD(A, X)      \
  XCV_SUM_L(8, X) XCV_SUM_ADD(A, Y) PI(Y) XCV_SUM_ADD(A, X) XCV_SUM_ADD(A, Y)
#define XCV_SUM3(A, X, Y) XCV_SUM3_P(A, X, Y, XCV_SUM_PI)
#define XCV_SUM4(A, X, Y) XCV_SUM4_P(A, X, Y, XCV_SUM_PI)
#define XCV_SUM5(A, X, Y) XCV_SUM5_P(A, X, Y, XCV_SUM_PI)
#define XCV_SUM6(A, X, Y) XCV_SUM6_P(A, X, Y, XCV_SUM_PI)
#define XCV_SUM7(A, X, Y) XCV_SUM7_P(A, X, Y, XCV_SUM_PI)
#define XCV_SUM_PIC(r) ".insn r 0x2b, 3, 0x02, " r ", %[p], %[st]\n" /* cv.lw r, st(p!) */
#define XCV_SUM_OFFS [o1] "r"(o1), [o2] "r"(o2), [o3] "r"(o3), [o4] "r"(o4), [o5] "r"(o5), [o6] "r"(o6)

/* d[i] = sum over k < fan of s[k * ts + i] (int32), i < n, fan 3..7 in one
 * pass (XCV_SUM*), one post-increment cv.sw per output. d may be s (each
 * element is read before it is written). */
#define XCV_RED(BODY)                                                                         \
  __asm__ volatile(CV_HWLOOP0_BEGIN BODY ".insn s 0x2b, 2, t0, 4(%[d])\n" CV_HWLOOP0_END       \
                   : [p] "+r"(s), [d] "+r"(d)                                                 \
                   : "r"(cnt), XCV_SUM_OFFS                                                   \
                   : "t0", "t1", "t2", "memory")
/* n int32 sums of fan 3..7 inputs at the offsets o1..o6 (in registers), the count `cnt` in a5. */
#define XCV_RED_FAN()                                   \
  do {                                                  \
    if (fan == 3) XCV_RED(XCV_SUM3("t0", "t1", "t2"));      \
    else if (fan == 4) XCV_RED(XCV_SUM4("t0", "t1", "t2")); \
    else if (fan == 5) XCV_RED(XCV_SUM5("t0", "t1", "t2")); \
    else if (fan == 6) XCV_RED(XCV_SUM6("t0", "t1", "t2")); \
    else XCV_RED(XCV_SUM7("t0", "t1", "t2"));               \
  } while (0)
/* As xcv_reduceN with the other inputs at any byte offsets o[0..fan-2] from
 * s (constant along the run: every input advances by one int32 per output),
 * e.g. a partial sum in another buffer. */
static inline void xcv_reduce_at(int32_t* d, const int32_t* s, const uint32_t* o, uint32_t n, uint32_t fan) {
  register uint32_t cnt __asm__("a5") = n;
  const uint32_t o1 = o[0], o2 = o[1], o3 = fan > 3 ? o[2] : 0, o4 = fan > 4 ? o[3] : 0, o5 = fan > 5 ? o[4] : 0,
                 o6 = fan > 6 ? o[5] : 0;
  if (!n) return;
  XCV_RED_FAN();
}
static inline void xcv_reduceN(int32_t* d, const int32_t* s, uint32_t ts, uint32_t n, uint32_t fan) {
  register uint32_t cnt __asm__("a5") = n;
  const uint32_t o1 = ts * 4u, o2 = 2u * o1, o3 = 3u * o1, o4 = 4u * o1, o5 = 5u * o1, o6 = 6u * o1;
  if (!n) return;
  XCV_RED_FAN();
}

/* d[i] = requant(sum over k < fan of s[k * ts + i]), i < n, fan 4..7 in one
 * pass: four sums (XCV_SUM*) into t0..t3, then the requantization tail. */
#define XCV_RQN_BODY4(CLAMP, CLIPS) \
  XCV_SUM4("t0", "t4", "t5") XCV_SUM4("t1", "t4", "t5") XCV_SUM4("t2", "t4", "t5") XCV_SUM4("t3", "t4", "t5") XCV_RQ4_TAIL(CLAMP, CLIPS)
#define XCV_RQN_BODY5(CLAMP, CLIPS) \
  XCV_SUM5("t0", "t4", "t5") XCV_SUM5("t1", "t4", "t5") XCV_SUM5("t2", "t4", "t5") XCV_SUM5("t3", "t4", "t5") XCV_RQ4_TAIL(CLAMP, CLIPS)
#define XCV_RQN_BODY6(CLAMP, CLIPS) \
  XCV_SUM6("t0", "t4", "t5") XCV_SUM6("t1", "t4", "t5") XCV_SUM6("t2", "t4", "t5") XCV_SUM6("t3", "t4", "t5") XCV_RQ4_TAIL(CLAMP, CLIPS)
#define XCV_RQN_BODY7(CLAMP, CLIPS) \
  XCV_SUM7("t0", "t4", "t5") XCV_SUM7("t1", "t4", "t5") XCV_SUM7("t2", "t4", "t5") XCV_SUM7("t3", "t4", "t5") XCV_RQ4_TAIL(CLAMP, CLIPS)
#define XCV_RQ_OUTP [p] "+r"(s), [d] "+r"(d)
#define XCV_RQN_CLOB "t0", "t1", "t2", "t3", "t4", "t5", "memory"
#define XCV_RQN_INS XCV_RQ_INS, XCV_SUM_OFFS
/* Words of four outputs of fan 4..7 inputs at the offsets o1..o6 (in registers), `words` in a5. */
#define XCV_RQN_RUN_FAN()                                                               \
  do {                                                                                  \
    if (fan == 4) XCV_RQ_RUN(XCV_RQN_BODY4, XCV_RQ_OUTP, XCV_RQN_INS, XCV_RQN_CLOB);         \
    else if (fan == 5) XCV_RQ_RUN(XCV_RQN_BODY5, XCV_RQ_OUTP, XCV_RQN_INS, XCV_RQN_CLOB);    \
    else if (fan == 6) XCV_RQ_RUN(XCV_RQN_BODY6, XCV_RQ_OUTP, XCV_RQN_INS, XCV_RQN_CLOB);    \
    else XCV_RQ_RUN(XCV_RQN_BODY7, XCV_RQ_OUTP, XCV_RQN_INS, XCV_RQN_CLOB);                 \
  } while (0)
static inline int32_t xcv_sum_at(const int32_t* s, uint32_t ts, uint32_t fan) {
  int32_t a = s[0];
  for (uint32_t k = 1; k < fan; ++k) a = nm_reduce(a, s[k * ts]);
  return a;
}
/* The sum of fan inputs at s and the byte offsets o[0..fan-2] from it. */
static inline int32_t xcv_sum_off(const int32_t* s, const uint32_t* o, uint32_t fan) {
  int32_t a = s[0];
  for (uint32_t k = 1; k < fan; ++k) a = nm_reduce(a, *(const int32_t*)(const void*)((const char*)s + o[k - 1]));
  return a;
}
/* d[i] = requant(sum of fan inputs: s[i] and the elements o[0..fan-2] bytes
 * further), fan 4..7. */
static __attribute__((noinline)) void xcv_requant_at(int8_t* d, const int32_t* s, const uint32_t* o, uint32_t n,
                                                     uint32_t fan, const xcv_rq_t* x, int relu) {
  while (n && ((uintptr_t)d & 3)) {
    *d++ = xcv_rq1(xcv_sum_off(s++, o, fan), x, relu);
    --n;
  }
  register uint32_t words __asm__("a5") = n / 4;
  const uint32_t o1 = o[0], o2 = o[1], o3 = o[2], o4 = fan > 4 ? o[3] : 0, o5 = fan > 5 ? o[4] : 0,
                 o6 = fan > 6 ? o[5] : 0;
  if (words) XCV_RQN_RUN_FAN();
  for (uint32_t i = 0; i < (n & 3); ++i) d[i] = xcv_rq1(xcv_sum_off(s + i, o, fan), x, relu);
}
static __attribute__((noinline)) void xcv_requantN(int8_t* d, const int32_t* s, uint32_t ts, uint32_t n,
                                                   uint32_t fan, const xcv_rq_t* x, int relu) {
  while (n && ((uintptr_t)d & 3)) {
    *d++ = xcv_rq1(xcv_sum_at(s++, ts, fan), x, relu);
    --n;
  }
  register uint32_t words __asm__("a5") = n / 4;
  const uint32_t o1 = ts * 4u, o2 = 2u * o1, o3 = 3u * o1, o4 = 4u * o1, o5 = 5u * o1, o6 = 6u * o1;
  if (words) XCV_RQN_RUN_FAN();
  for (uint32_t i = 0; i < (n & 3); ++i) d[i] = xcv_rq1(xcv_sum_at(s + i, ts, fan), x, relu);
}

/* d[i] = requant(sum over k < fan_in of src[k * stride + i]), i < n: fan-in 1
 * to 7 in one pass; above, 64 elements at a time, a stack buffer gets the
 * sum of the first seven inputs, then of itself and six more per pass
 * (xcv_reduce_at: the buffer is one more input at a fixed byte offset from
 * the tiles), and the last pass requantizes the buffer and the last one to
 * six inputs: each input is loaded once, the partial sum once per seven. */
static inline void xcv_reduce_requant(int8_t* d, const int32_t* src, uint32_t fan_in, uint32_t stride, uint32_t n,
                                      const xcv_rq_t* x, int relu) {
  if (fan_in <= 2) {
    xcv_requant(d, src, fan_in == 2 ? src + stride : 0, n, x, relu);
    return;
  }
  if (fan_in == 3) {
    xcv_requant3(d, src, src + stride, src + 2 * stride, n, x, relu);
    return;
  }
  if (fan_in <= 7) {
    xcv_requantN(d, src, stride, n, fan_in, x, relu);
    return;
  }
  int32_t tmp[64];
  uint32_t o[6];
  for (uint32_t i = 0; i < n; i += 64) {
    const uint32_t m = n - i < 64 ? n - i : 64;
    xcv_reduceN(tmp, src + i, stride, m, 7);
    uint32_t k = 7;
    for (; fan_in - k > 6; k += 6) { /* tmp += inputs k..k+5 */
      const int32_t* s = src + k * stride + i;
      for (uint32_t j = 0; j < 5; ++j) o[j] = (j + 1) * stride * 4u;
      o[5] = (uint32_t)((uintptr_t)tmp - (uintptr_t)s);
      xcv_reduce_at(tmp, s, o, m, 7);
    }
    const uint32_t left = fan_in - k; /* 1..6 inputs and tmp */
    const int32_t* s = src + k * stride + i;
    if (left == 1) {
      xcv_requant(d + i, tmp, s, m, x, relu);
    } else if (left == 2) {
      xcv_requant3(d + i, tmp, s, s + stride, m, x, relu);
    } else {
      for (uint32_t j = 0; j + 1 < left; ++j) o[j] = (j + 1) * stride * 4u;
      o[left - 1] = (uint32_t)((uintptr_t)tmp - (uintptr_t)s);
      xcv_requant_at(d + i, s, o, m, left + 1, x, relu);
    }
  }
}

/* sum over r < n of w[r * stride] * x[r] (int8 x int8, exact in int32), four
 * rows per hardware-loop iteration: the column's four weights gathered with
 * cv.lb (register post-increment down the column) and cv.packlo.b /
 * cv.packhi.b into one word, the four inputs one cv.lw, one cv.sdotsp.b;
 * loads two instructions ahead of their use. */
static inline int32_t xcv_dot_column(const int8_t* w, uint32_t stride, const int8_t* x, uint32_t n) {
  register uint32_t quads __asm__("a5") = n / 4;
  int32_t sum = 0;
  if (quads)
    __asm__ volatile(CV_HWLOOP0_BEGIN
                     ".insn r 0x2b, 3, 0x00, t0, %[w], %[st]\n" /* cv.lb t0, st(w!) */
                     ".insn r 0x2b, 3, 0x00, t1, %[w], %[st]\n"
                     ".insn r 0x2b, 3, 0x00, t2, %[w], %[st]\n"
                     ".insn r 0x2b, 3, 0x00, t3, %[w], %[st]\n"
                     ".insn i 0x0b, 2, t4, 4(%[x])\n"           /* cv.lw t4, 4(x!) */
                     ".insn r 0x7b, 1, 0x7c, t5, t1, t0\n"      /* cv.packlo.b: bytes 1:0 = t1, t0 */
                     ".insn r 0x7b, 1, 0x7d, t5, t3, t2\n"      /* cv.packhi.b: bytes 3:2 = t3, t2 */
                     ".insn r 0x7b, 1, 0x54, %[sum], t5, t4\n" CV_HWLOOP0_END /* cv.sdotsp.b */
                     : [w] "+r"(w), [x] "+r"(x), [sum] "+r"(sum)
                     : "r"(quads), [st] "r"(stride)
                     : "t0", "t1", "t2", "t3", "t4", "t5", "memory");
  for (uint32_t r = 0; r < (n & 3); ++r, w += stride) sum += (int32_t)*w * x[r];
  return sum;
}

/* d[i] = nm_add(a[i], b[i], relu), i < n: four lanes a word. Each byte
 * vector splits into two half-word vectors, even and odd bytes,
 * sign-extended (cv.sll.sci.h / cv.sra.sci.h by 8); half-word adds cannot
 * overflow; cv.min.sc.h / cv.max.sc.h saturate to [lo, 127] (lo = 0 with
 * ReLU, else -128); the low bytes go back into one word. Unaligned heads and
 * tails go byte by byte (post-increment cv.lb/cv.sb, cv.clip). */
static inline void xcv_add(int8_t* d, const int8_t* a, const int8_t* b, uint32_t n, int relu) {
  const uint32_t mis = (uint32_t)(uintptr_t)d & 3;
  uint32_t head = mis ? 4 - mis : 0;
  if (((uintptr_t)a & 3) != (uintptr_t)d % 4 || ((uintptr_t)b & 3) != (uintptr_t)d % 4) head = n; /* no common alignment */
  if (head > n) head = n;
  for (uint32_t i = 0; i < head; ++i) d[i] = nm_add(a[i], b[i], relu);
  d += head, a += head, b += head, n -= head;
  register uint32_t words __asm__("a5") = n / 4;
  const uint32_t hi = 127, lo = relu ? 0 : 0xff80u, low_bytes = 0x00ff00ffu;
  if (words)
    __asm__ volatile(CV_HWLOOP0_BEGIN
                     ".insn i 0x0b, 2, t0, 4(%[a])\n"              /* cv.lw t0,(a),4 */
                     ".insn i 0x0b, 2, t1, 4(%[b])\n"
                     ".insn r 0x7b, 6, 0x28, t2, t0, x4\n"         /* cv.sll.sci.h t2,t0,8 */
                     ".insn r 0x7b, 6, 0x24, t0, t0, x4\n"         /* cv.sra.sci.h t0,t0,8: odd bytes */
                     ".insn r 0x7b, 6, 0x24, t2, t2, x4\n"         /* even bytes */
                     ".insn r 0x7b, 6, 0x28, t3, t1, x4\n"
                     ".insn r 0x7b, 6, 0x24, t1, t1, x4\n"
                     ".insn r 0x7b, 6, 0x24, t3, t3, x4\n"
                     ".insn r 0x7b, 0, 0x00, t0, t0, t1\n"         /* cv.add.h */
                     ".insn r 0x7b, 0, 0x00, t2, t2, t3\n"
                     ".insn r 0x7b, 4, 0x10, t0, t0, %[hi]\n"      /* cv.min.sc.h */
                     ".insn r 0x7b, 4, 0x10, t2, t2, %[hi]\n"
                     ".insn r 0x7b, 4, 0x18, t0, t0, %[lo]\n"      /* cv.max.sc.h */
                     ".insn r 0x7b, 4, 0x18, t2, t2, %[lo]\n"
                     ".insn r 0x7b, 6, 0x28, t0, t0, x4\n"         /* odd bytes to bits 15:8, 31:24 */
                     "and t2, t2, %[lb]\n"
                     "or t0, t0, t2\n"
                     ".insn s 0x2b, 2, t0, 4(%[d])\n" CV_HWLOOP0_END /* cv.sw t0,(d),4 */
                     : [a] "+r"(a), [b] "+r"(b), [d] "+r"(d)
                     : "r"(words), [hi] "r"(hi), [lo] "r"(lo), [lb] "r"(low_bytes)
                     : "t0", "t1", "t2", "t3", "memory");
  for (uint32_t i = 0; i < (n & 3); ++i) d[i] = nm_add(a[i], b[i], relu);
}

/* A max-pool window of up to 3x3 in-map elements (nrows x ncols; ResNet-18's
 * pool1): `words` groups of four channels from the window's top-left word p
 * (pixels C bytes apart, rows R bytes apart) to q. Per group, in one hardware-loop
 * iteration: nine loads (cv.lw register-register at +C and +2C, and a
 * post-increment one at +0 that steps each row pointer to the next group),
 * eight cv.max.b, one post-increment store; every load at least two
 * instructions ahead of its use. */
static inline void xcv_max3x3(int8_t* q, const int8_t* p, uint32_t C, uint32_t R, uint32_t words, uint32_t nrows,
                              uint32_t ncols) {
  register uint32_t n __asm__("a5") = words;
  /* A smaller window (a border) reads some of its elements twice: max is idempotent. */
  const int8_t *r0 = p, *r1 = nrows > 1 ? p + R : p, *r2 = nrows > 2 ? p + 2 * R : r1;
  const uint32_t c1 = ncols > 1 ? C : 0, c2 = ncols > 2 ? 2 * C : c1;
  __asm__ volatile(CV_HWLOOP0_BEGIN
                   ".insn r 0x2b, 3, 0x06, t1, %[r0], %[c1]\n" /* cv.lw t1, c1(r0) */
                   ".insn r 0x2b, 3, 0x06, t2, %[r0], %[c2]\n"
                   ".insn i 0x0b, 2, t0, 4(%[r0])\n"           /* cv.lw t0, 4(r0!) */
                   ".insn r 0x2b, 3, 0x06, t4, %[r1], %[c1]\n"
                   ".insn r 0x2b, 3, 0x06, t5, %[r1], %[c2]\n"
                   ".insn i 0x0b, 2, t3, 4(%[r1])\n"
                   ".insn r 0x7b, 1, 0x18, t0, t0, t1\n"       /* cv.max.b */
                   ".insn r 0x7b, 1, 0x18, t0, t0, t2\n"
                   ".insn r 0x2b, 3, 0x06, t1, %[r2], %[c1]\n"
                   ".insn r 0x2b, 3, 0x06, t2, %[r2], %[c2]\n"
                   ".insn i 0x0b, 2, t6, 4(%[r2])\n"
                   ".insn r 0x7b, 1, 0x18, t3, t3, t4\n"
                   ".insn r 0x7b, 1, 0x18, t3, t3, t5\n"
                   ".insn r 0x7b, 1, 0x18, t0, t0, t3\n"
                   ".insn r 0x7b, 1, 0x18, t1, t1, t2\n"
                   ".insn r 0x7b, 1, 0x18, t0, t0, t6\n"
                   ".insn r 0x7b, 1, 0x18, t0, t0, t1\n"
                   ".insn s 0x2b, 2, t0, 4(%[q])\n" CV_HWLOOP0_END /* cv.sw t0, 4(q!) */
                   : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [q] "+r"(q)
                   : "r"(n), [c1] "r"(c1), [c2] "r"(c2)
                   : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
}

/* Adds n >= 1 words (four int8 channels each, `stride` bytes apart from p)
 * into two half-word vectors: even channels (cv.sll.sci.h then cv.sra.sci.h
 * by 8) and odd ones (cv.sra.sci.h), cv.add.h; a hardware loop of two
 * words per iteration, cv.lw register post-increment, no load-use stall. */
static inline void xcv_sum4(uint32_t* even, uint32_t* odd, const int8_t* p, uint32_t stride, uint32_t n) {
  register uint32_t pairs __asm__("a5") = n / 2;
  uint32_t e = *even, o = *odd;
  if (pairs)
    __asm__ volatile(CV_HWLOOP0_BEGIN
                     ".insn r 0x2b, 3, 0x02, t0, %[p], %[st]\n"
                     ".insn r 0x2b, 3, 0x02, t1, %[p], %[st]\n"
                     ".insn r 0x7b, 6, 0x28, t2, t0, x4\n"
                     ".insn r 0x7b, 6, 0x24, t0, t0, x4\n"
                     ".insn r 0x7b, 6, 0x24, t2, t2, x4\n"
                     ".insn r 0x7b, 0, 0x00, %[o], %[o], t0\n"
                     ".insn r 0x7b, 0, 0x00, %[e], %[e], t2\n"
                     ".insn r 0x7b, 6, 0x28, t2, t1, x4\n"
                     ".insn r 0x7b, 6, 0x24, t1, t1, x4\n"
                     ".insn r 0x7b, 6, 0x24, t2, t2, x4\n"
                     ".insn r 0x7b, 0, 0x00, %[o], %[o], t1\n"
                     ".insn r 0x7b, 0, 0x00, %[e], %[e], t2\n" CV_HWLOOP0_END
                     : [p] "+r"(p), [e] "+r"(e), [o] "+r"(o)
                     : "r"(pairs), [st] "r"(stride)
                     : "t0", "t1", "t2", "memory");
  if (n & 1) {
    uint32_t w;
    memcpy(&w, p, 4);
    o = cv_add_h(o, cv_sra8_h(w));
    e = cv_add_h(e, cv_sra8_h(cv_sll8_h(w)));
  }
  *even = e, *odd = o;
}

/* The average of a window of up to 3x3 in-map elements (nrows x ncols) for
 * `groups` groups of four channels from the window's top-left word p (pixels
 * C bytes apart, rows R bytes apart) to q: per group, half-word sums of the
 * even and odd channels (as xcv_pool4), the window's geometry computed once
 * for all groups, a full 3x3 window unrolled. */
#define XCV_ACC4(ptr)                            \
  do {                                           \
    const uint32_t w_ = *(const uint32_t*)(const void*)(ptr); /* aligned: C, ch, data */ \
    o = cv_add_h(o, cv_sra8_h(w_));              \
    e = cv_add_h(e, cv_sra8_h(cv_sll8_h(w_)));   \
  } while (0)
/* The four averages of one group, the even channels' sums in the half-words
 * of e and the odd ones' in o, to q (4-byte aligned or not): with a half-up
 * plan the numerators x = 2 * sum + 257 n (in [n, 511 n], below 2^16 for the
 * planned n <= 128) are formed two lanes at a time (cv.add.h), each
 * (x * m) >> 24 is the average + 128 (df_avg's arithmetic), and the four go
 * into one word (cv.packlo.b, cv.packhi.b) with bit 7 of each byte flipped
 * (- 128), one store. Otherwise df_avg per channel. */
static inline void xcv_avg_out4(int8_t* q, uint32_t e, uint32_t o, const df_avg_t* avg) {
  if (avg->m && avg->mode != NM_AVG_HALF_EVEN) {
    const uint32_t bb = (uint32_t)avg->bias * 0x10001u, m = avg->m;
    e = cv_add_h(cv_add_h(e, e), bb);
    o = cv_add_h(cv_add_h(o, o), bb);
    const uint32_t a0 = ((e & 0xffffu) * m) >> 24, a2 = ((e >> 16) * m) >> 24;
    const uint32_t a1 = ((o & 0xffffu) * m) >> 24, a3 = ((o >> 16) * m) >> 24;
    const uint32_t w = cv_packhi_b(cv_packlo_b(0, a1, a0), a3, a2) ^ 0x80808080u;
    if (((uintptr_t)q & 3) == 0)
      *(uint32_t*)(void*)q = w;
    else
      memcpy(q, &w, 4);
    return;
  }
  q[0] = df_avg((int16_t)e, avg);
  q[1] = df_avg((int16_t)o, avg);
  q[2] = df_avg((int16_t)(e >> 16), avg);
  q[3] = df_avg((int16_t)(o >> 16), avg);
}

static inline void xcv_avg_small(int8_t* q, const int8_t* p, uint32_t C, uint32_t R, uint32_t groups,
                                 uint32_t nrows, uint32_t ncols, const df_avg_t* avg) {
  const uint32_t C2 = 2 * C, R2 = 2 * R;
  if (nrows == 3 && ncols == 3) {
    for (uint32_t g = 0; g < groups; ++g, p += 4, q += 4) {
      uint32_t e = 0, o = 0;
      XCV_ACC4(p); XCV_ACC4(p + C); XCV_ACC4(p + C2);
      XCV_ACC4(p + R); XCV_ACC4(p + R + C); XCV_ACC4(p + R + C2);
      XCV_ACC4(p + R2); XCV_ACC4(p + R2 + C); XCV_ACC4(p + R2 + C2);
      xcv_avg_out4(q, e, o, avg);
    }
    return;
  }
  for (uint32_t g = 0; g < groups; ++g, p += 4, q += 4) { /* a border window */
    uint32_t e = 0, o = 0;
    const int8_t* r = p;
    for (uint32_t y = 0; y < nrows; ++y, r += R) {
      const int8_t* c = r;
      for (uint32_t x = 0; x < ncols; ++x, c += C) XCV_ACC4(c);
    }
    xcv_avg_out4(q, e, o, avg);
  }
}

/* Four channels [ch, ch + 4) of one pool output over the in-map window rows
 * [ya, yb) and columns [xa, xb): cv.max.b per word, or sums in two
 * half-word vectors (even and odd channels) for the average. */
static inline void xcv_pool4(int8_t* q, const df_window_t* in, uint32_t ch, int32_t ya, int32_t yb, int32_t xa,
                             int32_t xb, int is_max, const df_avg_t* avg) {
  const uint32_t step = in->c / 4; /* words between horizontally adjacent pixels */
  uint32_t mx = 0x80808080u, even = 0, odd = 0;
  const uint32_t n = (uint32_t)(xb - xa);
  if (!is_max && xa == 0 && xb == (int32_t)in->map_w && in->x0 == 0 && in->w == in->map_w && n * (uint32_t)(yb - ya) >= 8) {
    /* the window spans whole map rows (a global pool): one run of all its pixels */
    xcv_sum4(&even, &odd, in->data + (uint32_t)ya * in->w * in->c + ch, in->c, n * (uint32_t)(yb - ya));
    ya = yb;
  }
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
  xcv_avg_out4(q, even, odd, avg);
}

/* One output column of a per-channel requantization (df_rqc, requant.h):
 * two rows per hardware-loop iteration, down the column with register
 * post-increment loads (cv.lw rd, rs2(rs1!)) and stores (cv.sb rs2, rs3(rs1!));
 * the accumulator clamped with cv.max/cv.min, the bias added, then either
 * the split (two mul, sra, cv.addRNr rounds and shifts) or the mulh form;
 * the codes clamped with cv.clipur (ReLU: [0, ohi]) or cv.clip + cv.min.
 * Loads are two instructions ahead of their use (no load-use stall). */
#define XCV_RQC_LOAD1                             \
  ".insn r 0x2b, 3, 0x02, t0, %[s0], %[st0]\n"     \
  ".insn r 0x2b, 3, 0x02, t1, %[s0], %[st0]\n"
#define XCV_RQC_LOAD2                             \
  ".insn r 0x2b, 3, 0x02, t0, %[s0], %[st0]\n"     \
  ".insn r 0x2b, 3, 0x02, t2, %[s1], %[st1]\n"     \
  ".insn r 0x2b, 3, 0x02, t1, %[s0], %[st0]\n"     \
  ".insn r 0x2b, 3, 0x02, t3, %[s1], %[st1]\n"     \
  "add t0, t0, t2\n"                               \
  "add t1, t1, t3\n"
#define XCV_RQC_CLAMP                             \
  ".insn r 0x2b, 3, 0x2d, t0, t0, %[lo]\n" /* cv.max */ \
  ".insn r 0x2b, 3, 0x2d, t1, t1, %[lo]\n"         \
  ".insn r 0x2b, 3, 0x2b, t0, t0, %[hi]\n" /* cv.min */ \
  ".insn r 0x2b, 3, 0x2b, t1, t1, %[hi]\n"         \
  "add t0, t0, %[bias]\n"                          \
  "add t1, t1, %[bias]\n"
#define XCV_RQC_SPLIT                             \
  "mul t2, t0, %[ml]\n"                            \
  "mul t3, t1, %[ml]\n"                            \
  "mul t0, t0, %[mh]\n"                            \
  "mul t1, t1, %[mh]\n"                            \
  "sra t2, t2, %[t]\n"                             \
  "sra t3, t3, %[t]\n"                             \
  ".insn r 0x2b, 3, 0x42, t0, t2, %[s2]\n" /* cv.addrnr */ \
  ".insn r 0x2b, 3, 0x42, t1, t3, %[s2]\n"
#define XCV_RQC_MULH                              \
  "mulh t0, t0, %[mh]\n"                           \
  "mulh t1, t1, %[mh]\n"                           \
  ".insn r 0x2b, 3, 0x42, t0, zero, %[s2]\n"       \
  ".insn r 0x2b, 3, 0x42, t1, zero, %[s2]\n"
#define XCV_RQC_RELU                              \
  ".insn r 0x2b, 3, 0x3b, t0, t0, %[oh]\n" /* cv.clipur */ \
  ".insn r 0x2b, 3, 0x3b, t1, t1, %[oh]\n"
#define XCV_RQC_NORELU                            \
  ".insn r 0x2b, 3, 0x38, t0, t0, x8\n" /* cv.clip 8 */ \
  ".insn r 0x2b, 3, 0x38, t1, t1, x8\n"            \
  ".insn r 0x2b, 3, 0x2b, t0, t0, %[oh]\n"         \
  ".insn r 0x2b, 3, 0x2b, t1, t1, %[oh]\n"
#define XCV_RQC_STORE                             \
  ".insn r 0x2b, 3, 0x10, %[ds], %[d], t0\n" /* cv.sb t0, ds(d!) */ \
  ".insn r 0x2b, 3, 0x10, %[ds], %[d], t1\n"
#define XCV_RQC(LOAD, MATH, OUT)                                                                          \
  __asm__ volatile(CV_HWLOOP0_BEGIN LOAD XCV_RQC_CLAMP MATH OUT XCV_RQC_STORE CV_HWLOOP0_END               \
                   : [s0] "+r"(s0), [s1] "+r"(s1), [d] "+r"(d)                                             \
                   : "r"(pairs), [st0] "r"(b0), [st1] "r"(b1), [ds] "r"(dst_stride), [lo] "r"(p->lo),      \
                     [hi] "r"(p->hi), [bias] "r"(p->bias), [mh] "r"(p->mh), [ml] "r"(p->ml), [t] "r"(p->t), \
                     [s2] "r"(p->s2), [oh] "r"(ohi)                                                        \
                   : "t0", "t1", "t2", "t3", "memory")

static inline __attribute__((always_inline)) void xcv_rqc_column(int8_t* d, uint32_t dst_stride, const int32_t* s0, uint32_t st0,
                                  const int32_t* s1, uint32_t st1, uint32_t rows, const df_rqc_t* p, int relu,
                                  int32_t ohi) {
  register uint32_t pairs __asm__("a5") = rows / 2;
  const uint32_t b0 = st0 * 4u, b1 = st1 * 4u;
  const int mulh = p->t == DF_RQC_MULH;
  if (pairs) {
    if (s1) {
      if (mulh) {
        if (relu) XCV_RQC(XCV_RQC_LOAD2, XCV_RQC_MULH, XCV_RQC_RELU);
        else XCV_RQC(XCV_RQC_LOAD2, XCV_RQC_MULH, XCV_RQC_NORELU);
      } else {
        if (relu) XCV_RQC(XCV_RQC_LOAD2, XCV_RQC_SPLIT, XCV_RQC_RELU);
        else XCV_RQC(XCV_RQC_LOAD2, XCV_RQC_SPLIT, XCV_RQC_NORELU);
      }
    } else {
      if (mulh) {
        if (relu) XCV_RQC(XCV_RQC_LOAD1, XCV_RQC_MULH, XCV_RQC_RELU);
        else XCV_RQC(XCV_RQC_LOAD1, XCV_RQC_MULH, XCV_RQC_NORELU);
      } else {
        if (relu) XCV_RQC(XCV_RQC_LOAD1, XCV_RQC_SPLIT, XCV_RQC_RELU);
        else XCV_RQC(XCV_RQC_LOAD1, XCV_RQC_SPLIT, XCV_RQC_NORELU);
      }
    }
  }
  if (rows & 1) {
    const int32_t v = df_rqc(s1 ? nm_reduce(*s0, *s1) : *s0, p), olo = relu ? 0 : -128;
    *d = (int8_t)(v < olo ? olo : (v > ohi ? ohi : v));
  }
}

/* One output column of a per-channel requantization in the 16x16 form
 * (df_rq16, requant.h: its comment proves it exact): two rows per
 * hardware-loop iteration, register post-increment loads and stores down
 * the column as xcv_rqc_column; per output cv.clipr, the bias add, cv.mulsN
 * (Is3 16), cv.macsN (Is3 0), cv.addRNr, then the code clamp. Loads are two
 * instructions ahead of their use. */
/* The clamp to the 16x16 form, the bias and cv.mulsN, shared by XCV_RQ16_MATH and XCV_RQ16I_MATH. */
#define XCV_RQ16_PRE                                                       \
  ".insn r 0x2b, 3, 0x3a, t0, t0, %[r]\n" /* cv.clipr */                   \
  ".insn r 0x2b, 3, 0x3a, t1, t1, %[r]\n"                                  \
  "add t0, t0, %[bias]\n"                                                  \
  "add t1, t1, %[bias]\n"                                                  \
  ".insn r 0x5b, 4, 0x10, t2, t0, %[ml]\n" /* cv.mulsn t2, t0, ml, 16 */   \
  ".insn r 0x5b, 4, 0x10, t3, t1, %[ml]\n"
#define XCV_RQ16_MATH                                                      \
  XCV_RQ16_PRE                                                             \
  ".insn r 0x5b, 6, 0x00, t2, t0, %[mh]\n" /* cv.macsn t2, t0, mh, 0 */    \
  ".insn r 0x5b, 6, 0x00, t3, t1, %[mh]\n"                                 \
  ".insn r 0x2b, 3, 0x42, t2, zero, %[s3]\n" /* cv.addrnr */               \
  ".insn r 0x2b, 3, 0x42, t3, zero, %[s3]\n"
#define XCV_RQ16_RELU                                                      \
  ".insn r 0x2b, 3, 0x3b, t2, t2, %[oh]\n" /* cv.clipur */                 \
  ".insn r 0x2b, 3, 0x3b, t3, t3, %[oh]\n"
#define XCV_RQ16_CLIP                                                      \
  ".insn r 0x2b, 3, 0x38, t2, t2, x8\n" /* cv.clip 8 */                    \
  ".insn r 0x2b, 3, 0x38, t3, t3, x8\n"
#define XCV_RQ16_CLIPMAX                                                   \
  XCV_RQ16_CLIP                                                            \
  ".insn r 0x2b, 3, 0x2b, t2, t2, %[oh]\n" /* cv.min */                    \
  ".insn r 0x2b, 3, 0x2b, t3, t3, %[oh]\n"
#define XCV_RQ16_STORE                                                     \
  ".insn r 0x2b, 3, 0x10, %[ds], %[d], t2\n" /* cv.sb t2, ds(d!) */        \
  ".insn r 0x2b, 3, 0x10, %[ds], %[d], t3\n"
#define XCV_RQ16(LOAD, OUT)                                                                              \
  __asm__ volatile(CV_HWLOOP0_BEGIN LOAD XCV_RQ16_MATH OUT XCV_RQ16_STORE CV_HWLOOP0_END                 \
                   : [s0] "+r"(s0), [s1] "+r"(s1), [d] "+r"(d)                                          \
                   : "r"(pairs), [st0] "r"(b0), [st1] "r"(b1), [ds] "r"(dst_stride), [r] "r"(p->r),     \
                     [bias] "r"(p->bias), [mh] "r"(p->mh), [ml] "r"(p->ml), [s3] "r"(p->s3), [oh] "r"(ohi) \
                   : "t0", "t1", "t2", "t3", "memory")

/* The same loop with the rounding shift s3 as an immediate: cv.macsRN
 * (Is3 = s3) adds a * mh and the rounding bit 2^(s3 - 1) to t1 = cv.mulsN's
 * floor(a * ml / 2^16) and shifts, so it is cv.macsN then cv.addRNr in one
 * instruction: (t1 + a * mh + 2^(s3 - 1)) >> s3, the same sum (it stays
 * below 2^30 + 2^29 in magnitude, df_rq16's bound, so the 32-bit sum does
 * not wrap) and the same arithmetic shift. 9 instructions per output instead
 * of 10. One loop per s3 in [XCV_RQ16_S3_MIN, XCV_RQ16_S3_MIN + 15] (shifts
 * 22 to 37: df_rq16_plan takes no shift above 37 for a 31-bit multiplier,
 * and calibrations give shifts in the 30s); shifts 17 to 21 take XCV_RQ16. */
#define XCV_RQ16_S3_MIN 6u
#define XCV_RQ16I_MATH(S3)                                                 \
  XCV_RQ16_PRE                                                             \
  ".insn r 0x5b, 6, 0x40 + " #S3 ", t2, t0, %[mh]\n" /* cv.macsrn t2, t0, mh, S3 */ \
  ".insn r 0x5b, 6, 0x40 + " #S3 ", t3, t1, %[mh]\n"
#define XCV_RQ16I(LOAD, OUT, S3)                                                                         \
  __asm__ volatile(CV_HWLOOP0_BEGIN LOAD XCV_RQ16I_MATH(S3) OUT XCV_RQ16_STORE CV_HWLOOP0_END            \
                   : [s0] "+r"(s0), [s1] "+r"(s1), [d] "+r"(d)                                          \
                   : "r"(pairs), [st0] "r"(b0), [st1] "r"(b1), [ds] "r"(dst_stride), [r] "r"(p->r),     \
                     [bias] "r"(p->bias), [mh] "r"(p->mh), [ml] "r"(p->ml), [oh] "r"(ohi)               \
                   : "t0", "t1", "t2", "t3", "memory")
#define XCV_RQ16I_CASE(LOAD, OUT, K) \
  case K: XCV_RQ16I(LOAD, OUT, 6 + K); break;
/* XCV_RQ16 with the plan's s3 as an immediate where a loop has it. */
#define XCV_RQ16_ANY(LOAD, OUT)                                                                             \
  switch (p->s3 - XCV_RQ16_S3_MIN) {                                                                        \
    XCV_RQ16I_CASE(LOAD, OUT, 0) XCV_RQ16I_CASE(LOAD, OUT, 1) XCV_RQ16I_CASE(LOAD, OUT, 2)                  \
    XCV_RQ16I_CASE(LOAD, OUT, 3) XCV_RQ16I_CASE(LOAD, OUT, 4) XCV_RQ16I_CASE(LOAD, OUT, 5)                  \
    XCV_RQ16I_CASE(LOAD, OUT, 6) XCV_RQ16I_CASE(LOAD, OUT, 7) XCV_RQ16I_CASE(LOAD, OUT, 8)                  \
    XCV_RQ16I_CASE(LOAD, OUT, 9) XCV_RQ16I_CASE(LOAD, OUT, 10) XCV_RQ16I_CASE(LOAD, OUT, 11)                \
    XCV_RQ16I_CASE(LOAD, OUT, 12) XCV_RQ16I_CASE(LOAD, OUT, 13) XCV_RQ16I_CASE(LOAD, OUT, 14)               \
    XCV_RQ16I_CASE(LOAD, OUT, 15)                                                                           \
    default: XCV_RQ16(LOAD, OUT);                                                                           \
  }

/* A column's odd last row, the same instructions for one output (the
 * second load is used at once: one load-use stall with fan-in 2). */
#define XCV_RQC_LOAD1_ONE "lw t0, 0(%[s0])\n"
#define XCV_RQC_LOAD2_ONE "lw t0, 0(%[s0])\n" "lw t2, 0(%[s1])\n" "add t0, t0, t2\n"
#define XCV_RQ16_RELU_ONE ".insn r 0x2b, 3, 0x3b, t2, t2, %[oh]\n"
#define XCV_RQ16_CLIP_ONE ".insn r 0x2b, 3, 0x38, t2, t2, x8\n"
#define XCV_RQ16_CLIPMAX_ONE XCV_RQ16_CLIP_ONE ".insn r 0x2b, 3, 0x2b, t2, t2, %[oh]\n"
#define XCV_RQ16_ONE(LOAD, OUT)                                                                          \
  __asm__ volatile(LOAD ".insn r 0x2b, 3, 0x3a, t0, t0, %[r]\n"                                           \
                   "add t0, t0, %[bias]\n"                                                                \
                   ".insn r 0x5b, 4, 0x10, t2, t0, %[ml]\n"                                               \
                   ".insn r 0x5b, 6, 0x00, t2, t0, %[mh]\n"                                               \
                   ".insn r 0x2b, 3, 0x42, t2, zero, %[s3]\n" OUT "sb t2, 0(%[d])\n"                     \
                   :                                                                                      \
                   : [s0] "r"(s0), [s1] "r"(s1), [d] "r"(d), [r] "r"(p->r), [bias] "r"(p->bias),           \
                     [mh] "r"(p->mh), [ml] "r"(p->ml), [s3] "r"(p->s3), [oh] "r"(ohi)                     \
                   : "t0", "t2", "memory")

static inline __attribute__((always_inline)) void xcv_rq16_column(int8_t* d, uint32_t dst_stride, const int32_t* s0,
                                                                  uint32_t st0, const int32_t* s1, uint32_t st1,
                                                                  uint32_t rows, const df_rq16_t* p, int relu,
                                                                  int32_t ohi) {
  register uint32_t pairs __asm__("a5") = rows / 2;
  const uint32_t b0 = st0 * 4u, b1 = st1 * 4u;
  if (pairs) {
    if (s1) {
      if (relu) XCV_RQ16(XCV_RQC_LOAD2, XCV_RQ16_RELU);
      else if (ohi < 127) XCV_RQ16(XCV_RQC_LOAD2, XCV_RQ16_CLIPMAX);
      else XCV_RQ16(XCV_RQC_LOAD2, XCV_RQ16_CLIP);
    } else {
      if (relu) XCV_RQ16(XCV_RQC_LOAD1, XCV_RQ16_RELU);
      else if (ohi < 127) XCV_RQ16(XCV_RQC_LOAD1, XCV_RQ16_CLIPMAX);
      else XCV_RQ16(XCV_RQC_LOAD1, XCV_RQ16_CLIP);
    }
  }
  if (rows & 1) {
    const int32_t v = df_rq16(s1 ? nm_reduce(*s0, *s1) : *s0, p), olo = relu ? 0 : -128;
    *d = (int8_t)(v < olo ? olo : (v > ohi ? ohi : v));
  }
}

/* d[i] = s[i], i < words (word-aligned): two words per hardware-loop
 * iteration, post-increment cv.lw/cv.sw, each store two instructions after
 * its load (no load-use stall): 2 cycles a word. */
static inline void xcv_copy_words(uint32_t* d, const uint32_t* s, uint32_t words) {
  register uint32_t pairs __asm__("a5") = words / 2;
  if (pairs)
    __asm__ volatile(CV_HWLOOP0_BEGIN
                     ".insn i 0x0b, 2, t0, 4(%[s])\n" /* cv.lw t0, 4(s!) */
                     ".insn i 0x0b, 2, t1, 4(%[s])\n"
                     ".insn s 0x2b, 2, t0, 4(%[d])\n" /* cv.sw t0, 4(d!) */
                     ".insn s 0x2b, 2, t1, 4(%[d])\n" CV_HWLOOP0_END
                     : [s] "+r"(s), [d] "+r"(d)
                     : "r"(pairs)
                     : "t0", "t1", "memory");
  if (words & 1) *d = *s;
}

/* Down one column of fan tiles (rows st bytes apart, tiles ts elements
 * apart): q[i] = sum over k < fan of s[i * st / 4 + k * ts], i < n, for the
 * first pass (fan 3..8), or q[i] += that sum when acc (fan 1..9): the
 * XCV_SUM sums with the first tile's load stepping down the column
 * (XCV_SUM_PIC), q read (acc: into t3, first, so no load-use stall) and
 * written with a post-increment cv.sw. One pass of fan loads per output. */
#define XCV_COL(BODY)                                                                         \
  __asm__ volatile(CV_HWLOOP0_BEGIN BODY ".insn s 0x2b, 2, t0, 4(%[q])\n" CV_HWLOOP0_END       \
                   : [p] "+r"(s), [q] "+r"(q)                                                 \
                   : "r"(cnt), [st] "r"(st), XCV_SUM_OFFS, [o7] "r"(o7), [o8] "r"(o8)         \
                   : "t0", "t1", "t2", "t3", "memory")
#define XCV_COL_Q "lw t3, 0(%[q])\n"
#define XCV_COL_ACC XCV_SUM_ADD("t0", "t3")
#define XCV_COL_SUM(N) XCV_SUM##N##_P("t0", "t1", "t2", XCV_SUM_PIC)
static inline void xcv_col_sum(int32_t* q, const int32_t* s, uint32_t st, uint32_t ts, uint32_t n, uint32_t fan,
                               int acc) {
  register uint32_t cnt __asm__("a5") = n;
  const uint32_t o1 = ts * 4u, o2 = 2u * o1, o3 = 3u * o1, o4 = 4u * o1, o5 = 5u * o1, o6 = 6u * o1, o7 = 7u * o1,
                 o8 = 8u * o1;
  if (!n) return;
  if (!acc) {
    if (fan == 3) XCV_COL(XCV_COL_SUM(3));
    else if (fan == 4) XCV_COL(XCV_COL_SUM(4));
    else if (fan == 5) XCV_COL(XCV_COL_SUM(5));
    else if (fan == 6) XCV_COL(XCV_COL_SUM(6));
    else if (fan == 7) XCV_COL(XCV_COL_SUM(7));
    else XCV_COL(XCV_COL_SUM(8));
    return;
  }
  if (fan == 1) XCV_COL(XCV_COL_Q XCV_SUM_PIC("t0") XCV_COL_ACC); /* one load-use stall */
  else if (fan == 2) XCV_COL(XCV_COL_Q XCV_SUM_L(1, "t0") XCV_SUM_PIC("t1") XCV_COL_ACC XCV_SUM_ADD("t0", "t1"));
  else if (fan == 3) XCV_COL(XCV_COL_Q XCV_COL_SUM(3) XCV_COL_ACC);
  else if (fan == 4) XCV_COL(XCV_COL_Q XCV_COL_SUM(4) XCV_COL_ACC);
  else if (fan == 5) XCV_COL(XCV_COL_Q XCV_COL_SUM(5) XCV_COL_ACC);
  else if (fan == 6) XCV_COL(XCV_COL_Q XCV_COL_SUM(6) XCV_COL_ACC);
  else if (fan == 7) XCV_COL(XCV_COL_Q XCV_COL_SUM(7) XCV_COL_ACC);
  else if (fan == 8) XCV_COL(XCV_COL_Q XCV_COL_SUM(8) XCV_COL_ACC);
  else XCV_COL(XCV_COL_Q XCV_COL_SUM(9) XCV_COL_ACC);
}

/* q[i] = sum over k < fan of s[i * st / 4 + k * ts], i < n, fan >= 3: the
 * first eight inputs (up to), then nine more per pass. */
static inline void xcv_col_sums(int32_t* q, const int32_t* s, uint32_t st, uint32_t ts, uint32_t n,
                                                   uint32_t fan) {
  xcv_col_sum(q, s, st, ts, n, fan < 8 ? fan : 8, 0);
  for (uint32_t k = 8; k < fan; k += 9) xcv_col_sum(q, s + k * ts, st, ts, n, fan - k < 9 ? fan - k : 9, 1);
}


/* ---- int16 partial sums (vpmap_layer_t.psum_bytes 2) ----------------------
 * Two sums a word: d[i] = a[i] + b[i] on packed half-words (cv.add.h), i <
 * words; four loads, two cv.add.h and two stores per two words (four sums),
 * each load two instructions ahead of its use: 2 cycles a sum against 4 for
 * int32 (xcv_reduce2). No lane overflows: the mapper chose int16 because
 * every sum of the layer fits (vpmap_psum_bytes). */
#define XCV_ADD_H(a, b) ".insn r 0x7b, 0, 0x00, " a ", " a ", " b "\n" /* cv.add.h */
static inline void xcv_reduce2h(uint32_t* d, const uint32_t* a, const uint32_t* b, uint32_t words) {
  register uint32_t pairs __asm__("a5") = words / 2;
  if (pairs)
    __asm__ volatile(CV_HWLOOP0_BEGIN
                     ".insn i 0x0b, 2, t0, 4(%[a])\n" /* cv.lw t0, 4(a!) */
                     ".insn i 0x0b, 2, t1, 4(%[b])\n"
                     ".insn i 0x0b, 2, t2, 4(%[a])\n"
                     ".insn i 0x0b, 2, t3, 4(%[b])\n"
                     XCV_ADD_H("t0", "t1")
                     XCV_ADD_H("t2", "t3")
                     ".insn s 0x2b, 2, t0, 4(%[d])\n" /* cv.sw t0, 4(d!) */
                     ".insn s 0x2b, 2, t2, 4(%[d])\n" CV_HWLOOP0_END
                     : [a] "+r"(a), [b] "+r"(b), [d] "+r"(d)
                     : "r"(pairs)
                     : "t0", "t1", "t2", "t3", "memory");
  if (words & 1) *d = cv_add_h(*a, *b);
}

/* Packed sums of fan 3..7 tiles (tsw words apart), one pass: the XCV_SUM
 * bodies of xcv_reduceN with cv.add.h for add (fan loads, fan - 1 cv.add.h
 * and one store per word, i.e. per two sums). d may be s. */
#undef XCV_SUM_ADD
#define XCV_SUM_ADD(a, b) XCV_ADD_H(a, b)
static inline void xcv_reduceNh(uint32_t* d, const uint32_t* s, uint32_t tsw, uint32_t words, uint32_t fan) {
  register uint32_t cnt __asm__("a5") = words;
  const uint32_t o1 = tsw * 4u, o2 = 2u * o1, o3 = 3u * o1, o4 = 4u * o1, o5 = 5u * o1, o6 = 6u * o1;
  if (!words) return;
  XCV_RED_FAN();
}
#undef XCV_SUM_ADD
#define XCV_SUM_ADD(a, b) "add " a ", " a ", " b "\n"

/* The column loops' loads of int16 partial sums: cv.lh rd, rs2(rs1!) (XCV_RQC_LOAD1/2's cv.lw). */
#define XCV_RQCH_LOAD1                            \
  ".insn r 0x2b, 3, 0x01, t0, %[s0], %[st0]\n"     \
  ".insn r 0x2b, 3, 0x01, t1, %[s0], %[st0]\n"
#define XCV_RQCH_LOAD2                            \
  ".insn r 0x2b, 3, 0x01, t0, %[s0], %[st0]\n"     \
  ".insn r 0x2b, 3, 0x01, t2, %[s1], %[st1]\n"     \
  ".insn r 0x2b, 3, 0x01, t1, %[s0], %[st0]\n"     \
  ".insn r 0x2b, 3, 0x01, t3, %[s1], %[st1]\n"     \
  "add t0, t0, t2\n"                               \
  "add t1, t1, t3\n"
#define XCV_RQCH_LOAD1_ONE "lh t0, 0(%[s0])\n"
#define XCV_RQCH_LOAD2_ONE "lh t0, 0(%[s0])\n" "lh t2, 0(%[s1])\n" "add t0, t0, t2\n"


/* xcv_requant on int16 partial sums: the same loops with cv.lh rd, 2(rs1!)
 * (instead of cv.lw 4), d[i] = requant(s0[i] (+ s1[i] when s1)), i < n. */
#define XCV_RQH1_BODY(CLAMP, CLIPS)                                       \
  ".insn i 0x0b, 1, t0, 2(%[s])\n"                                \
  ".insn i 0x0b, 1, t1, 2(%[s])\n"                                \
  ".insn i 0x0b, 1, t2, 2(%[s])\n"                                \
  ".insn i 0x0b, 1, t3, 2(%[s])\n" XCV_RQ4_TAIL(CLAMP, CLIPS)
#define XCV_RQH2_BODY(CLAMP, CLIPS)                                       \
  ".insn i 0x0b, 1, t0, 2(%[s])\n"                                \
  ".insn i 0x0b, 1, t4, 2(%[s1])\n"                               \
  ".insn i 0x0b, 1, t1, 2(%[s])\n"                                \
  ".insn i 0x0b, 1, t5, 2(%[s1])\n"                               \
  "add t0, t0, t4\n"                                              \
  ".insn i 0x0b, 1, t2, 2(%[s])\n"                                \
  ".insn i 0x0b, 1, t4, 2(%[s1])\n"                               \
  "add t1, t1, t5\n"                                              \
  ".insn i 0x0b, 1, t3, 2(%[s])\n"                                \
  ".insn i 0x0b, 1, t5, 2(%[s1])\n"                               \
  "add t2, t2, t4\n"                                              \
  "nop\n" /* t5 is loaded one instruction ago */                  \
  "add t3, t3, t5\n" XCV_RQ4_TAIL(CLAMP, CLIPS)
XCV_REQUANT_FN(xcv_requant16, int16_t, XCV_PLUS, XCV_RQH2_BODY, XCV_RQH1_BODY)

#endif /* DATAFLOW_KERNELS_XCV_H */
