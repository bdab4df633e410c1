#include "core/block_cache.h"

#include <cstdlib>
#include <map>
#include <mutex>
#include <new>

namespace qwb {
namespace {

constexpr size_t kMinBytes = size_t{128} << 10;
constexpr size_t kMaxCachedBytes = size_t{1} << 30;

// Size classes: 8 per power of two (at most 12.5% waste), so similar shapes share blocks.
size_t size_class(size_t bytes) {
  size_t p = 1;
  while (p < bytes) p <<= 1;
  const size_t step = p / 16;
  return (bytes + step - 1) / step * step;
}

class BlockCache {
 public:
  void* take(size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find(bytes);
    if (it == free_.end()) return nullptr;
    void* p = it->second;
    free_.erase(it);
    cached_ -= bytes;
    return p;
  }
  void give(void* p, size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_ + bytes <= kMaxCachedBytes) {
        free_.emplace(bytes, p);
        cached_ += bytes;
        return;
      }
    }
    std::free(p);
  }

 private:
  std::mutex mu_;
  std::multimap<size_t, void*> free_;
  size_t cached_ = 0;
};

BlockCache& cache() {
  static BlockCache* c = new BlockCache();  // never destroyed: blocks may be released at exit
  return *c;
}

}  // namespace

std::shared_ptr<void> acquire_block(size_t bytes) {
  size_t n = ((bytes + 63) / 64) * 64;
  if (n == 0) n = 64;
  if (n < kMinBytes) {
    void* p = std::aligned_alloc(64, n);
    if (!p) throw std::bad_alloc();
    return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
  }
  n = size_class(n);
  void* p = cache().take(n);
  if (!p) p = std::aligned_alloc(64, n);
  if (!p) throw std::bad_alloc();
  return std::shared_ptr<void>(p, [n](void* q) { cache().give(q, n); });
}

}  // namespace qwb
