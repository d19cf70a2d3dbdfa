#pragma once
// SystemC's coroutines switch stacks without telling AddressSanitizer (Debian's
// libsystemc has no fiber annotations). After the kernel returns, the main
// stack below its caller can keep the poison of frames that never unwound, and
// a later exception's unwinding reads it as an overflow (after ASan's warning
// "ignoring requested __asan_handle_no_return"). The stack below the caller's
// frame is dead, so clearing its poison is safe. A no-op without ASan.
#if defined(__SANITIZE_ADDRESS__)
#include <pthread.h>
#include <sanitizer/asan_interface.h>
#endif

namespace vp {

#if defined(__SANITIZE_ADDRESS__)
__attribute__((noinline)) inline void clear_dead_stack_poison() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* low = nullptr;
  size_t size = 0;
  pthread_attr_getstack(&attr, &low, &size);
  pthread_attr_destroy(&attr);
  char here;
  char* const end = &here - 256;  // below this frame
  if (end > static_cast<char*>(low)) __asan_unpoison_memory_region(low, size_t(end - static_cast<char*>(low)));
}
#else
inline void clear_dead_stack_poison() {}
#endif

}  // namespace vp
