#pragma once
// Background work that must never slow the simulation (the output check's
// golden model) runs on a host thread at idle priority: Linux's SCHED_IDLE
// gives it a core only when no other thread wants one, so it fills the time
// the simulation's threads leave (elaboration, a sleeping worker) instead of
// taking their cores. Elsewhere, the lowest nice value.
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace vp {

// Lowers the calling thread (not the process); false if the host refused,
// and the thread keeps its priority. One way: an unprivileged thread cannot
// come back, so a caller that needs the work done soon does it itself.
inline bool run_at_idle_priority() {
#ifdef SCHED_IDLE
  sched_param none{};
  if (sched_setscheduler(0, SCHED_IDLE, &none) == 0) return true;
#endif
  return setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19) == 0;
}

}  // namespace vp
