/* The event-unit lines and DMA channels the dataflow runtime uses, in one
 * place so that no two uses collide (docs/dataflow.md). RV32, C. */
#ifndef DATAFLOW_RESOURCES_H
#define DATAFLOW_RESOURCES_H

/* Software event lines (EU_LINE_SW(n)): n, by who raises them for whom. */
#define DF_EV_TILE 0u   /* core 0 -> workers: the previous tile's IMA output may be requantized */
#define DF_EV_DATA 1u   /* a producer -> core 0: it has completed a tile for this cluster */
#define DF_EV_CREDIT 2u /* a consumer -> core 0: it has freed a slot */
#define DF_EV_DONE 3u   /* workers -> core 0: the tile they were given is requantized */
#define DF_EV_GROUP 4u  /* reload mode: a cluster -> cluster 0 (arrived) and back (released), between groups */

/* DMA channels. DF_DMA_IN carries the boot-time reads of the mapping tables
 * and weights, then, in the tile loop only, the input windows from the HBM:
 * the two never overlap, and the loop counts its completions from a count
 * taken when it starts. */
#define DF_DMA_IN 0u   /* toward this cluster: boot-time reads, then input windows */
#define DF_DMA_OUT 1u  /* every delivery to consumers: data, then counter, then event, in order */
#define DF_DMA_RING 2u /* an add's skip input, fetched from its ring */

#endif /* DATAFLOW_RESOURCES_H */
