// Arena planning for the values a plan keeps in layouts of their own: each value lives from the
// step that writes it to the last step that reads it, and values whose lives do not overlap share
// a buffer, so that a value is written where one recently read still sits in the cache. A
// convolution that adds its residual in the sum post-op may write over that residual where it is
// its last reader, and the inputs of a Concat may be written straight into their slices of its
// output.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "tessera/core/buffer.hpp"

namespace tessera::infer::detail {

/// A value's size and life: written by step `first`, last read by step `last` (>= first); the
/// value whose buffer it may take over at step `first` ("" for none), where that one's life ends;
/// or the value it lies inside, `offset` bytes in ("" for none: a buffer of its own). A value
/// others lie inside must live from the first of their first steps.
struct ArenaValue {
  std::string name;
  std::size_t bytes = 0;
  std::size_t first = 0, last = 0;
  std::string in_place_of{};
  std::string inside{};
  std::size_t offset = 0;
};

class Arena {
 public:
  Arena() = default;
  /// Buffers for `values`: each takes, in order of first step, the buffer it may take over, else
  /// the smallest free buffer that holds it, else a new one; then those inside another find their
  /// place in its buffer.
  explicit Arena(std::vector<ArenaValue> values);

  /// The buffer of value `name`, or nullptr where it has none.
  float* find(const std::string& name) const;
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  /// Bytes allocated, over all buffers.
  std::size_t bytes() const;

 private:
  std::vector<AlignedBuffer<float>> buffers_;
  std::map<std::string, float*, std::less<>> at_;
};

}  // namespace tessera::infer::detail
