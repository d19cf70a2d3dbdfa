/* CORE-V instructions of the CV32E40P (xcvmem, xcvhwlp, xcvalu, xcvsimd, xcvelw; v2
 * user manual, "CORE-V Instruction Set Custom Extensions") for a compiler
 * that does not know them (Debian's riscv64-unknown-elf-gcc 12): each is
 * emitted through the assembler's .insn directive. Only for firmware built
 * for core.isa rv32imc_xcv (-DVP_XCV=1); an rv32imc core traps on them.
 *
 * Immediates that the encoding keeps in a register field (Is2 of cv.clip,
 * the .sci immediates) must be literal constants: those are macros. */
#ifndef HAL_COREV_H
#define HAL_COREV_H

#include <stdint.h>

/* ---- xcvalu (custom-1, funct3 011; funct7 selects) ---- */
#define CV_R_(f7, rd, a, b) __asm__(".insn r 0x2b, 3, " #f7 ", %0, %1, %2" : "=r"(rd) : "r"(a), "r"(b))
/* rd = clip(a) to [-2^(is2-1), 2^(is2-1) - 1] */
#define cv_clip(a, is2) ({ int32_t r_; __asm__(".insn r 0x2b, 3, 0x38, %0, %1, x" #is2 : "=r"(r_) : "r"(a)); r_; })
/* rd = clip(a) to [0, 2^(is2-1) - 1] */
#define cv_clipu(a, is2) ({ int32_t r_; __asm__(".insn r 0x2b, 3, 0x39, %0, %1, x" #is2 : "=r"(r_) : "r"(a)); r_; })
/* rd = clip(a) to [-(b+1), b] */
static inline int32_t cv_clipr(int32_t a, int32_t b) { int32_t r; CV_R_(0x3a, r, a, b); return r; }
/* rd = clip(a) to [0, b] */
static inline int32_t cv_clipur(int32_t a, int32_t b) { int32_t r; CV_R_(0x3b, r, a, b); return r; }
static inline int32_t cv_max(int32_t a, int32_t b) { int32_t r; CV_R_(0x2d, r, a, b); return r; }
static inline int32_t cv_min(int32_t a, int32_t b) { int32_t r; CV_R_(0x2b, r, a, b); return r; }
/* index of the most significant 1 of a (xcvbitmanip cv.fl1; 32 for a = 0) */
static inline uint32_t cv_fl1(uint32_t a) {
  uint32_t r;
  __asm__(".insn r 0x2b, 3, 0x22, %0, %1, x0" : "=r"(r) : "r"(a));
  return r;
}
/* d = (d + a + 2^(s-1)) >>> s, s = b[4:0] (round half up; no rounding term for s = 0) */
static inline int32_t cv_addrnr(int32_t d, int32_t a, uint32_t s) {
  __asm__(".insn r 0x2b, 3, 0x42, %0, %1, %2" : "+r"(d) : "r"(a), "r"(s));
  return d;
}

/* ---- xcvsimd (custom-3): funct7 = funct5 << 2 | F << 1 | bit 25; funct3 the mode ---- */
#define CV_V_(f3, f7, a, b) ({ uint32_t r_; __asm__(".insn r 0x7b, " #f3 ", " #f7 ", %0, %1, %2" : "=r"(r_) : "r"(a), "r"(b)); r_; })
#define cv_add_h(a, b) CV_V_(0, 0x00, a, b)
#define cv_max_b(a, b) CV_V_(1, 0x18, a, b)
#define cv_max_sc_h(a, b) CV_V_(4, 0x18, a, b) /* b's low half-word replicated */
#define cv_min_sc_h(a, b) CV_V_(4, 0x10, a, b)
#define cv_and(a, b) CV_V_(0, 0x34, a, b)      /* cv.and.h: lane-independent, a plain and */
#define cv_or(a, b) CV_V_(0, 0x2c, a, b)
/* .sci forms with an immediate shift amount of 8 (Imm6 = 8: bit 25 = 0, rs2 field = 4) */
#define cv_sra8_h(a) ({ uint32_t r_; __asm__(".insn r 0x7b, 6, 0x24, %0, %1, x4" : "=r"(r_) : "r"(a)); r_; })
#define cv_sll8_h(a) ({ uint32_t r_; __asm__(".insn r 0x7b, 6, 0x28, %0, %1, x4" : "=r"(r_) : "r"(a)); r_; })
/* d += sum of the four signed byte products of a and b (cv.sdotsp.b) */
static inline int32_t cv_sdotsp_b(int32_t d, uint32_t a, uint32_t b) {
  __asm__(".insn r 0x7b, 1, 0x54, %0, %1, %2" : "+r"(d) : "r"(a), "r"(b));
  return d;
}
/* rd[15:8] = a[7:0], rd[7:0] = b[7:0] (cv.packlo.b); rd[31:24], rd[23:16] (cv.packhi.b); the rest of rd kept */
static inline uint32_t cv_packlo_b(uint32_t d, uint32_t a, uint32_t b) {
  __asm__(".insn r 0x7b, 1, 0x7c, %0, %1, %2" : "+r"(d) : "r"(a), "r"(b));
  return d;
}
static inline uint32_t cv_packhi_b(uint32_t d, uint32_t a, uint32_t b) {
  __asm__(".insn r 0x7b, 1, 0x7d, %0, %1, %2" : "+r"(d) : "r"(a), "r"(b));
  return d;
}

/* ---- xcvmem: post-increment loads and stores (custom-0 / custom-1) ---- */
/* v = *p; p += inc (bytes, literal) */
#define cv_lw_pi(v, p, inc) __asm__ volatile(".insn i 0x0b, 2, %0, " #inc "(%1)" : "=r"(v), "+r"(p) : : "memory")
#define cv_lb_pi(v, p, inc) __asm__ volatile(".insn i 0x0b, 0, %0, " #inc "(%1)" : "=r"(v), "+r"(p) : : "memory")
/* *p = v; p += inc */
#define cv_sw_pi(v, p, inc) __asm__ volatile(".insn s 0x2b, 2, %1, " #inc "(%0)" : "+r"(p) : "r"(v) : "memory")
#define cv_sb_pi(v, p, inc) __asm__ volatile(".insn s 0x2b, 0, %1, " #inc "(%0)" : "+r"(p) : "r"(v) : "memory")

/* ---- xcvhwlp: hardware loop 0 around an asm body ----
 * __asm__ volatile(CV_HWLOOP0_BEGIN "body" CV_HWLOOP0_END : ... : "r"(n), ...)
 * runs the body (32-bit instructions only) n >= 1 times with no
 * per-iteration cost. n must be held in register a5 (declare it
 * `register uint32_t n __asm__("a5")` and pass it as an input). cv.setup
 * 0, a5, end is emitted as a word: .insn cannot take the label difference
 * its immediate needs. */
#define CV_HWLOOP0_BEGIN                                    \
  ".balign 4\n.option push\n.option norvc\n.option norelax\n" \
  ".Lhws%=: .4byte ((((.Lhwe%= - .Lhws%=) >> 2) << 20) | (15 << 15) | 0x472b)\n"
#define CV_HWLOOP0_END ".Lhwe%=:\n.option pop\n"

/* ---- xcvelw (custom-0, funct3 011): the event load ----
 * rd = Mem32(addr). On the event unit's EVENT_WAIT(_CLEAR) registers the read
 * completes only once a masked event is pending; the core sleeps meanwhile,
 * its clock gated (user manual, "PULP Cluster"). */
static inline uint32_t cv_elw(const volatile uint32_t* addr) {
  uint32_t r;
  __asm__ volatile(".insn i 0x0b, 3, %0, 0(%1)" : "=r"(r) : "r"(addr) : "memory");
  return r;
}

#endif /* HAL_COREV_H */
