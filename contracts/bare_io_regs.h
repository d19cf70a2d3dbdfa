/* Host I/O block of the bare platform (`kind: bare`): console and exit.
 * Compiles as C (firmware) and C++ (model). The base address is the
 * platform key memory.host_io_base; firmware built for another base passes
 * -DVP_BARE_HOST_IO_BASE=... */
#ifndef VP_BARE_IO_REGS_H
#define VP_BARE_IO_REGS_H

#ifndef VP_BARE_HOST_IO_BASE
#define VP_BARE_HOST_IO_BASE 0x10003000u /* default of memory.host_io_base */
#endif

#define VP_BARE_PUTCHAR 0x0u /* write: low byte goes to the console of the writing core */
#define VP_BARE_EXIT 0x4u    /* write: halts the writing core with this exit code */
#define VP_BARE_HARTID 0x8u  /* read: mhartid of the reading core */
#define VP_BARE_HOST_IO_SIZE 0x1000u

#endif
