/* Register map of the cluster control block (ip/cluster): identity, time,
 * console and exit. One definition for the model and the firmware HAL
 * (firmware/hal/cluster.h). C and C++. Offsets from the cluster peripherals
 * base + CLUSTER_CTRL_OFFSET. */
#ifndef CLUSTER_CTRL_REGS_H
#define CLUSTER_CTRL_REGS_H

#define CLUSTER_CTRL_CLUSTER_ID 0x00u   /* R: this cluster's index */
#define CLUSTER_CTRL_NUM_CLUSTERS 0x04u /* R: clusters in the platform */
#define CLUSTER_CTRL_NUM_CORES 0x08u    /* R: cores in this cluster */
#define CLUSTER_CTRL_CYCLES_LO 0x0Cu    /* R: simulated cycles at the access, low word */
#define CLUSTER_CTRL_CYCLES_HI 0x10u    /* R: high word (of the same time as the last CYCLES_LO read) */
#define CLUSTER_CTRL_PUTCHAR 0x14u      /* W: one character to the console, per core line buffer */
#define CLUSTER_CTRL_EXIT 0x18u         /* W: the cluster is done; value = exit code; halts all its cores */
#define CLUSTER_CTRL_CORE_HALT 0x1Cu    /* W: the writing core halts (its part of the work is done) */
#define CLUSTER_CTRL_PHASE 0x20u        /* W: the writing core enters phase `value` (time accounting) */
#define CLUSTER_CTRL_IMAGE_DONE 0x24u   /* W: this cluster has delivered its last output of image `value`
                                           (the host derives images/s and latency from these marks) */
#define CLUSTER_CTRL_GLOBAL_BASE 0x28u  /* R: global address of cluster 0's window (memory_map.cluster_global_base) */
#define CLUSTER_CTRL_GLOBAL_STRIDE 0x2Cu /* R: bytes from one cluster's global window to the next */
#define CLUSTER_CTRL_FAULT 0x30u        /* W: the writing core refuses to go on (a firmware fault, e.g. a mapping
                                           the runtime cannot run): value = the firmware's error code. The core
                                           stops and the run ends (exit 1) with a report naming the cluster, core
                                           and pc, the code and the core's last console line (its message) */

/* Phases a core reports for the per-cluster time breakdown (Fig. 5B-D) and
 * the pipeline diagnosis. Fig. 5's synchronization is phases 2, 4 and 5. */
#define CLUSTER_PHASE_COMPUTE 0u        /* digital work on the cores */
#define CLUSTER_PHASE_COMMUNICATION 1u  /* programming or waiting for DMA transfers */
#define CLUSTER_PHASE_SYNCHRONIZATION 2u /* barriers and other waits within the cluster */
#define CLUSTER_PHASE_IMA 3u            /* waiting for the analog accelerator */
#define CLUSTER_PHASE_WAIT_INPUT 4u     /* waiting for producers: an input tile not yet arrived */
#define CLUSTER_PHASE_WAIT_CREDIT 5u    /* waiting for consumers: no free slot to deliver into */
#define CLUSTER_PHASE_DWCONV 6u         /* waiting for the depthwise accelerator (ip/dwconv) */
#define CLUSTER_NUM_PHASES 7u
/* Their names in statistics and traces, in phase order (an initializer list). */
#define CLUSTER_PHASE_NAMES {"compute", "communication", "synchronization", "ima", "wait_input", "wait_credit", "dwconv"}

#define CLUSTER_CTRL_BLOCK_SIZE 0x1000u

#endif /* CLUSTER_CTRL_REGS_H */
