// Messages of the hybrid-parallel exchanges: a writer that appends values (integers as they are,
// floats in a CommPrecision) to a byte buffer, and a reader that takes them back in order and
// fails with a clear error when a message is shorter than its reader expects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include "tessera/dlrm/comm_precision.hpp"

namespace tessera::dlrm::detail {

/// values * scale rounded to `precision`, appended to `out`.
void encode(std::span<const float> values, CommPrecision precision, float scale,
            std::vector<std::byte>& out);
/// out[i] = value i of `in` (values.size() of them in `precision`) times `scale`.
void decode(const std::byte* in, CommPrecision precision, float scale, std::span<float> out);

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::byte>& out) : out_(out) {}

  template <class T>
  void put(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::size_t at = out_.size();
    out_.resize(at + values.size_bytes());
    if (!values.empty()) std::memcpy(out_.data() + at, values.data(), values.size_bytes());
  }
  template <class T>
  void put(const T& value) {
    put(std::span<const T>(&value, 1));
  }
  void put_floats(std::span<const float> values, CommPrecision precision, float scale) {
    encode(values, precision, scale, out_);
  }
  /// Row numbers or counts, 64 bits each when `wide`, else 32 (each value must be below 2^31).
  void put_indices(std::span<const std::int64_t> values, bool wide) {
    if (wide) return put(values);
    const std::size_t at = out_.size();
    out_.resize(at + 4 * values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto v = static_cast<std::int32_t>(values[i]);
      std::memcpy(out_.data() + at + 4 * i, &v, 4);
    }
  }

 private:
  std::vector<std::byte>& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> in) : in_(in) {}

  template <class T>
  void get(std::span<T> values) {
    const std::byte* from = take(values.size_bytes());
    if (!values.empty()) std::memcpy(values.data(), from, values.size_bytes());
  }
  template <class T>
  T get() {
    T value{};
    get(std::span<T>(&value, 1));
    return value;
  }
  /// The next values.size() floats of `precision`, times `scale`.
  void get_floats(std::span<float> values, CommPrecision precision, float scale) {
    decode(take(values.size() * wire_bytes(precision)), precision, scale, values);
  }
  /// The next values.size() indices as put_indices wrote them.
  void get_indices(std::span<std::int64_t> values, bool wide) {
    if (wide) return get(values);
    const std::byte* from = take(4 * values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      std::int32_t v = 0;
      std::memcpy(&v, from + 4 * i, 4);
      values[i] = v;
    }
  }
  /// True when every byte was read.
  bool done() const { return at_ == in_.size(); }

 private:
  /// The next `bytes` bytes; tessera::Error when the message has fewer.
  const std::byte* take(std::size_t bytes);

  std::span<const std::byte> in_;
  std::size_t at_ = 0;
};

}  // namespace tessera::dlrm::detail
