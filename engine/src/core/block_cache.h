// Process-wide cache of large memory blocks (engine-internal).
//
// Activations at batch 16 are tens of MB. glibc serves large blocks with fresh mmaps (above
// 128 KB until its threshold adapts, always above 32 MB) and unmaps them on free, so without a
// cache every run pays a page fault per 4 KB of every large activation (MobileNetV2 at batch 16:
// 153 ms per run against 66-69 ms with reuse). Blocks of at least 128 KB are kept after release,
// by size class, up to 1 GB in total.
//
//   std::shared_ptr<void> p = qwb::acquire_block(bytes);  // 64-byte aligned, not zeroed
#pragma once

#include <cstddef>
#include <memory>

namespace qwb {

std::shared_ptr<void> acquire_block(size_t bytes);

}  // namespace qwb
