#pragma once
// The simulator's heap on transparent huge pages. A 512-cluster platform's
// models (L1 bank timelines, IMA and DMA state, events, SystemC thread
// stacks) are ~250 MB of heap that the SystemC thread walks all over: on
// 4 KiB pages most of its cache misses also miss the TLB. glibc (2.35 and
// later) puts malloc's memory on huge pages with the tunable
// glibc.malloc.hugetlb=1, read at start-up only; so vp-run, before anything
// else, executes itself once more with it set (bench/dataflow/RESULTS.md,
// "Session 11": a median 5 % of host time, 0.6-21 % over 9 pairs; resident
// memory unchanged).
// Not when the host's THP mode is not `madvise` (`always` has them already,
// `never` cannot), when GLIBC_TUNABLES already names it (the re-executed
// process, or the user's choice), under Valgrind (the new image would run
// outside it), or with VP_HUGE_PAGES=0.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace vp {

inline constexpr const char* kHugePagesTunable = "glibc.malloc.hugetlb=1";

// True if this process's malloc uses huge pages (the tunable is set).
inline bool malloc_on_huge_pages() {
  const char* t = std::getenv("GLIBC_TUNABLES");
  return t && std::strstr(t, kHugePagesTunable);
}

// Returns only if it did not re-execute (nothing to do, or exec failed: the
// run goes on with 4 KiB pages).
inline void reexec_with_huge_pages(char* argv[]) {
  const char* off = std::getenv("VP_HUGE_PAGES");
  if (off && std::strcmp(off, "0") == 0) return;
  const char* t = std::getenv("GLIBC_TUNABLES");
  if (t && std::strstr(t, "glibc.malloc.hugetlb")) return;
  const char* preload = std::getenv("LD_PRELOAD");
  if (preload && std::strstr(preload, "vgpreload")) return;
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(mode, line) || line.find("[madvise]") == std::string::npos) return;
  const std::string value = t && *t ? std::string(t) + ":" + kHugePagesTunable : std::string(kHugePagesTunable);
  // The program's own path, not /proc/self/exe: the process keeps its name
  // (ps, top, pkill vp-run).
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0 || n >= ssize_t(sizeof self - 1)) return;
  self[n] = '\0';
  if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  execv(self, argv);
  // Could not: carry on as we are, without claiming the tunable.
  if (t) setenv("GLIBC_TUNABLES", t, 1);
  else unsetenv("GLIBC_TUNABLES");
}

}  // namespace vp
