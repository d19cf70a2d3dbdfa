/* Cluster HAL: who am I, time, console, exit, phase marks. Header-only, RV32.
 * Register offsets and the address map come from contracts/, the models' own
 * definitions. */
#ifndef HAL_CLUSTER_H
#define HAL_CLUSTER_H

#include <stdint.h>

#include "address_map.h"
#include "cluster_ctrl_regs.h"

/* The executing cluster's local alias and its peripherals. */
#define CLUSTER_LOCAL_BASE VP_CLUSTER_LOCAL_BASE
#define CLUSTER_PERIPH_BASE (CLUSTER_LOCAL_BASE + VP_PERIPHERALS_OFFSET)
#define CLUSTER_CTRL_BASE (CLUSTER_PERIPH_BASE + CLUSTER_PERIPH_CTRL)

static inline volatile uint32_t* hal_reg(uint32_t addr) { return (volatile uint32_t*)(uintptr_t)addr; }

static inline uint32_t core_id(void) {
  uint32_t h;
  __asm__ volatile("csrr %0, mhartid" : "=r"(h));
  return h & 31u;
}
static inline uint32_t cluster_id(void) { return *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_CLUSTER_ID); }
static inline uint32_t num_clusters(void) { return *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_NUM_CLUSTERS); }
static inline uint32_t num_cores(void) { return *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_NUM_CORES); }
/* Global address of cluster c's window (its L1; its peripherals at the same
 * offset as in the local alias). */
static inline uint32_t cluster_global(uint32_t c) {
  return *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_GLOBAL_BASE) + c * *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_GLOBAL_STRIDE);
}

/* Simulated cycles (platform time, not this core's mcycle). */
static inline uint64_t cluster_cycles(void) {
  uint32_t lo = *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_CYCLES_LO);
  uint32_t hi = *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_CYCLES_HI);
  return ((uint64_t)hi << 32) | lo;
}

static inline void cluster_putchar(char c) { *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_PUTCHAR) = (uint8_t)c; }
static inline void cluster_phase(uint32_t phase) { *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_PHASE) = phase; }
/* This cluster has delivered its last output of `image` (time stamped by the model). */
static inline void cluster_image_done(uint32_t image) { *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_IMAGE_DONE) = image; }

/* The whole cluster is done: every core halts. */
static inline __attribute__((noreturn)) void cluster_exit(int code) {
  *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_EXIT) = (uint32_t)code;
  for (;;) __asm__ volatile("wfi");
}
/* This core refuses to go on (a firmware fault): the run ends with a report
 * naming the cluster, this core, its pc, `code` and the line it printed last,
 * which should say what is wrong. */
static inline __attribute__((noreturn)) void cluster_fault(int code) {
  *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_FAULT) = (uint32_t)code;
  for (;;) __asm__ volatile("wfi");
}
/* This core is done. */
static inline __attribute__((noreturn)) void core_halt(void) {
  *hal_reg(CLUSTER_CTRL_BASE + CLUSTER_CTRL_CORE_HALT) = 1;
  for (;;) __asm__ volatile("wfi");
}

#endif /* HAL_CLUSTER_H */
