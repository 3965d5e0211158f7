// Owning, 64-byte-aligned buffers of trivially copyable values: the storage behind matrices, fields
// and embedding tables. Aligned so that AVX-512 loads of a whole cache line never split.
#pragma once

#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <type_traits>

#include "tessera/core/error.hpp"

namespace tessera {

template <class T>
class AlignedBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "AlignedBuffer holds plain values only");

 public:
  static constexpr std::size_t kAlignment = 64;

  AlignedBuffer() = default;
  /// `count` values, zero-initialised.
  explicit AlignedBuffer(std::size_t count) : AlignedBuffer(count, T{}) {}
  /// `count` copies of `value`.
  AlignedBuffer(std::size_t count, const T& value) : data_(allocate(count)), size_(count) {
    std::uninitialized_fill_n(data_.get(), count, value);
  }

  AlignedBuffer(AlignedBuffer&&) noexcept = default;
  AlignedBuffer& operator=(AlignedBuffer&&) noexcept = default;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  /// A deep copy (copies are explicit: buffers are often large).
  AlignedBuffer clone() const {
    AlignedBuffer copy;
    copy.data_ = allocate(size_);
    copy.size_ = size_;
    if (size_ > 0) std::memcpy(copy.data_.get(), data_.get(), size_ * sizeof(T));
    return copy;
  }

  T* data() noexcept { return data_.get(); }
  const T* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t size_bytes() const noexcept { return size_ * sizeof(T); }
  bool empty() const noexcept { return size_ == 0; }

  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  T* begin() noexcept { return data(); }
  T* end() noexcept { return data() + size_; }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size_; }

  std::span<T> span() noexcept { return {data(), size_}; }
  std::span<const T> span() const noexcept { return {data(), size_}; }

 private:
  struct AlignedDelete {
    void operator()(T* p) const noexcept { ::operator delete (p, std::align_val_t{kAlignment}); }
  };
  using Storage = std::unique_ptr<T[], AlignedDelete>;

  static Storage allocate(std::size_t count) {
    if (count == 0) return nullptr;
    if (count > std::numeric_limits<std::size_t>::max() / sizeof(T)) {
      throw Error("buffer", "size of " + std::to_string(count) + " values overflows memory");
    }
    return Storage(
        static_cast<T*>(::operator new (count * sizeof(T), std::align_val_t{kAlignment})));
  }

  Storage data_;
  std::size_t size_ = 0;
};

}  // namespace tessera
