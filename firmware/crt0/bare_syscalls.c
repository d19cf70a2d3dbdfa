/* picolibc's console and exit on the bare platform's host I/O block
 * (register map: contracts/bare_io_regs.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bare_io_regs.h"

#define HOST_IO(off) (*(volatile uint32_t *)(uintptr_t)(VP_BARE_HOST_IO_BASE + (off)))

static int bare_putc(char c, FILE *f) {
  (void)f;
  HOST_IO(VP_BARE_PUTCHAR) = (uint8_t)c;
  return (uint8_t)c;
}

static FILE bare_stdio = FDEV_SETUP_STREAM(bare_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &bare_stdio;
FILE *const stdout = &bare_stdio;
FILE *const stderr = &bare_stdio;

void _exit(int code) {
  HOST_IO(VP_BARE_EXIT) = (uint32_t)code;
  for (;;) __asm__ volatile("wfi");  /* not reached: the write halts the core */
}
