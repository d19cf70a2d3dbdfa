#pragma once
// A large zero-filled byte array whose pages the OS provides on first touch
// (anonymous mmap), for simulated memories: 512 clusters' 1 MiB L1s are
// 512 MiB that std::vector<uint8_t>(n, 0) would write at construction, most
// of which the firmware never touches (time before the first instruction and
// resident memory both paid for nothing).
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace vp {

class ZeroedMemory {
 public:
  explicit ZeroedMemory(std::size_t size) : size_(size) {
    if (size_ == 0) return;
    void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(p);
  }
  ZeroedMemory(const ZeroedMemory&) = delete;
  ZeroedMemory& operator=(const ZeroedMemory&) = delete;
  ZeroedMemory(ZeroedMemory&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  ~ZeroedMemory() {
    if (data_) ::munmap(data_, size_);
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace vp
