/* The 32-bit address map as the firmware is compiled against it
 * (docs/architecture.md). The platform's `memory_map` section
 * (platform/schema/noc.yaml) has these values as defaults, and every built-in
 * platform keeps them: test_address_map checks the schema, the built-in
 * platforms and the cluster linker script against this file. A platform may
 * move the global windows and the HBM (the firmware reads those from the
 * cluster control registers and the boot record), but not the local alias,
 * the peripheral offset or the instruction memory without rebuilding the
 * firmware. C and C++. */
#ifndef ADDRESS_MAP_H
#define ADDRESS_MAP_H

#define VP_CLUSTER_LOCAL_BASE 0x10000000u  /* memory_map.cluster_local_base */
#define VP_PERIPHERALS_OFFSET 0x00100000u  /* memory_map.peripherals_offset */
#define VP_IMEM_BASE 0x1C000000u           /* memory_map.imem_base */
#define VP_CLUSTER_GLOBAL_BASE 0x20000000u /* memory_map.cluster_global_base (default) */
#define VP_CLUSTER_STRIDE 0x00200000u      /* memory_map.cluster_stride (default) */
#define VP_HBM_BASE 0x80000000u            /* memory_map.hbm_base (default) */

/* Peripheral blocks, offsets from a cluster's peripherals base. */
#define CLUSTER_PERIPH_EVENT_UNIT 0x0000u
#define CLUSTER_PERIPH_DMA 0x1000u
#define CLUSTER_PERIPH_IMA 0x2000u
#define CLUSTER_PERIPH_CTRL 0x3000u
#define CLUSTER_PERIPH_DWCONV 0x4000u /* only where cluster.dwconv.present */
#define CLUSTER_PERIPH_SIZE 0x5000u

#endif /* ADDRESS_MAP_H */
