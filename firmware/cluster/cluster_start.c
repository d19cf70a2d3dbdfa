/* C start of cluster firmware: per-core TLS, bss, then main() on every core.
 * Core 0's return value is the cluster's exit code; the other cores halt. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hal/cluster.h"
#include "hal/event_unit.h"

extern char __bss_start[], __bss_end[], __tdata_start[], __tdata_end[], __tls_areas[];
extern char __tls_size[];

int main(void);

/* picolibc's stdio writes to the cluster console. */
static int console_put(char c, FILE* f) {
  (void)f;
  cluster_putchar(c);
  return (unsigned char)c;
}
static FILE console = FDEV_SETUP_STREAM(console_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE* const stdout = &console;
FILE* const stderr = &console;

void __attribute__((noreturn)) cluster_start(uint32_t core) {
  /* picolibc keeps errno in thread-local storage: one block per core. */
  const uintptr_t tls_size = (uintptr_t)__tls_size;
  char* tls = __tls_areas + core * tls_size;
  memcpy(tls, __tdata_start, (size_t)(__tdata_end - __tdata_start));
  memset(tls + (__tdata_end - __tdata_start), 0, tls_size - (size_t)(__tdata_end - __tdata_start));
  __asm__ volatile("mv tp, %0" ::"r"(tls));
  if (core == 0) memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
  eu_barrier(); /* nobody uses .bss before it is clear */
  int rc = main();
  if (core == 0) {
    fflush(stdout);
    cluster_exit(rc);
  }
  core_halt();
}
