/* SPMD start of cluster firmware: every core of every cluster starts here.
 * Each core takes its stack from its core id, enables the event unit's line
 * as its wake-up source (mie.MEIE, interrupts stay globally off) and enters
 * cluster_start(). No trap handler is installed: a fault is reported by the
 * VP with the core, pc and cause. */
  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  csrr t0, mhartid
  andi t0, t0, 31            /* core id within the cluster */
  la sp, __stack_top
  la t1, __stack_size
  mul t2, t0, t1
  sub sp, sp, t2
  andi sp, sp, -16
  li t1, 0x800               /* mie.MEIE: wfi wakes on the event unit */
  csrw mie, t1
  csrw mtvec, zero
  mv a0, t0
  call cluster_start
1:
  wfi
  j 1b
