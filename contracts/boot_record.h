/* How a cluster finds its work (docs/dataflow.md): the host places the
 * mapping binary (mapping/docs/binary-format.md, VMAP) and the weights file
 * (VPWT) in global memory, then writes this record into the firmware's
 * `df_boot` variable (ELF symbol, in .data at the bottom of L1) in every
 * cluster before the cores start. C and C++. */
#ifndef DATAFLOW_BOOT_H
#define DATAFLOW_BOOT_H

#include <stdint.h>

#define DF_BOOT_MAGIC 0x54424644u /* "DFBT" */
#define DF_BOOT_VERSION 1u
#define DF_BOOT_SYMBOL "df_boot"

typedef struct {
  uint32_t magic, version;
  uint32_t mapping;       /* global address of the VMAP binary */
  uint32_t mapping_bytes;
  uint32_t weights;       /* global address of the VPWT file */
  uint32_t weights_bytes;
  uint32_t hbm_base;      /* the mapping's HBM region offsets are from here */
  uint32_t batch;         /* images in the run (<= the mapping's batch) */
  uint16_t dac_bits, adc_bits; /* cluster.ima.dac_bits / adc_bits (the FC/conv-on-cores numerics) */
  uint32_t reload;        /* global address of a reload file (VPRL, mapping_format.h): the groups run one
                             after the other, `mapping` pointing at each in turn; 0: one mapping */
  uint32_t reserved[6];
} df_boot_t; /* 64 bytes */

#ifdef __cplusplus
static_assert(sizeof(df_boot_t) == 64, "df_boot_t layout");
#else
_Static_assert(sizeof(df_boot_t) == 64, "df_boot_t layout");
#endif

#endif /* DATAFLOW_BOOT_H */
