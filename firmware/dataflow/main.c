/* The dataflow firmware: every core of every cluster runs its part of the
 * mapped network (runtime.h). */
#include "dataflow/runtime.h"

int main(void) { return df_main(); }
