// Large buffers in transparent huge pages. A fresh 120 MB sparse conversion result, faulted in
// 4 KiB at a time, spent a third of a CSR -> CSC conversion in the kernel's page-fault path (NumPy
// asks for huge pages on its large arrays, and scipy's conversions ran 1.5x faster for it); and
// random row reads over gigabytes of embedding tables miss the TLB on nearly every 4 KiB page.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessera {

/// Buffers from this size on are advised to use huge pages (NumPy's threshold).
inline constexpr std::size_t kHugePageThreshold = std::size_t{4} << 20;

/// Sizes `v` to n value-initialised elements; a buffer of kHugePageThreshold bytes or more that
/// must be allocated is advised to use transparent huge pages before it is first touched.
template <class T>
void resize_in_huge_pages(std::vector<T>& v, std::size_t n) {
  if (n * sizeof(T) >= kHugePageThreshold && v.capacity() < n) {
    v.reserve(n);
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    const auto start = reinterpret_cast<std::uintptr_t>(v.data());
    const std::uintptr_t first = (start + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t end = (start + n * sizeof(T)) & ~(kHuge - 1);
    // Advice only: where the kernel refuses (no THP), the buffer is used as it is.
    if (end > first) ::madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE);
  }
  v.resize(n);
}

}  // namespace tessera
