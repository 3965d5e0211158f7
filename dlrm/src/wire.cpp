// Payload precisions and the byte reader (comm_precision.hpp, wire.hpp): fp16 through F16C where
// the CPU has it, bf16 (and fp16 elsewhere) by rounding to nearest even in integers.
#include "wire.hpp"

#include <fmt/format.h>
#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "tessera/core/bf16.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"

namespace tessera::dlrm {
namespace detail {
namespace {

// IEEE binary16, rounded to nearest even, as F16C's vcvtps2ph rounds.
std::uint16_t to_fp16(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  const std::uint32_t sign = (bits >> 16) & 0x8000u, abs = bits & 0x7fffffffu;
  if (abs > 0x7f800000u) return static_cast<std::uint16_t>(sign | 0x7e00u);   // NaN
  if (abs >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // >= 65520: inf
  const std::uint32_t exponent = abs >> 23;
  if (exponent < 113) {  // below 2^-14: a subnormal m * 2^-24
    const std::uint32_t shift = 126 - exponent;
    if (shift > 24) return static_cast<std::uint16_t>(sign);  // below 2^-25: rounds to zero
    const std::uint32_t mantissa = (abs & 0x7fffffu) | 0x800000u;
    std::uint32_t m = mantissa >> shift;
    const std::uint32_t rest = mantissa & ((1u << shift) - 1), half = 1u << (shift - 1);
    m += (rest > half || (rest == half && (m & 1u))) ? 1u : 0u;
    return static_cast<std::uint16_t>(sign | m);
  }
  std::uint32_t h = ((exponent - 112) << 10) | ((abs >> 13) & 0x3ffu);
  const std::uint32_t rest = abs & 0x1fffu;
  h += (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ? 1u : 0u;  // a carry raises the exponent
  return static_cast<std::uint16_t>(sign | h);
}

float from_fp16(std::uint16_t value) {
  const std::uint32_t sign = (std::uint32_t{value} & 0x8000u) << 16;
  const std::uint32_t exponent = (value >> 10) & 0x1fu, mantissa = value & 0x3ffu;
  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0)  // zero or a subnormal: mantissa * 2^-24, exact in float
    return std::bit_cast<float>(
        sign | std::bit_cast<std::uint32_t>(static_cast<float>(mantissa) * 0x1p-24f));
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

bool has_f16c() {
  static const bool f16c = detect_cpu_features().f16c;
  return f16c;
}

__attribute__((target("f16c,avx"))) void to_fp16_f16c(const float* in, std::size_t n, float scale,
                                                      std::uint16_t* out) {
  std::size_t i = 0;
  const __m256 s = _mm256_set1_ps(scale);
  for (; i + 8 <= n; i += 8) {
    const __m128i h =
        _mm256_cvtps_ph(_mm256_mul_ps(_mm256_loadu_ps(in + i), s), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
  for (; i < n; ++i) out[i] = to_fp16(in[i] * scale);
}

__attribute__((target("f16c,avx"))) void from_fp16_f16c(const std::uint16_t* in, std::size_t n,
                                                        float scale, float* out) {
  std::size_t i = 0;
  const __m256 s = _mm256_set1_ps(scale);
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtph_ps(h), s));
  }
  for (; i < n; ++i) out[i] = from_fp16(in[i]) * scale;
}

}  // namespace

void encode(std::span<const float> values, CommPrecision precision, float scale,
            std::vector<std::byte>& out) {
  const std::size_t at = out.size(), n = values.size();
  if (n == 0) return;
  out.resize(at + n * wire_bytes(precision));
  std::byte* to = out.data() + at;
  switch (precision) {
    case CommPrecision::kFp32:
      for (std::size_t i = 0; i < n; ++i) {
        const float v = values[i] * scale;
        std::memcpy(to + 4 * i, &v, 4);
      }
      return;
    case CommPrecision::kFp16: {
      std::vector<std::uint16_t> half(n);
      if (has_f16c()) {
        to_fp16_f16c(values.data(), n, scale, half.data());
      } else {
        for (std::size_t i = 0; i < n; ++i) half[i] = to_fp16(values[i] * scale);
      }
      std::memcpy(to, half.data(), 2 * n);
      return;
    }
    case CommPrecision::kBf16: {
      std::vector<std::uint16_t> half(n);
      for (std::size_t i = 0; i < n; ++i) half[i] = to_bf16(values[i] * scale);
      std::memcpy(to, half.data(), 2 * n);
      return;
    }
  }
}

void decode(const std::byte* in, CommPrecision precision, float scale, std::span<float> out) {
  const std::size_t n = out.size();
  if (n == 0) return;
  if (precision == CommPrecision::kFp32) {
    std::memcpy(out.data(), in, 4 * n);
    if (scale != 1.0f)
      for (float& v : out) v *= scale;
    return;
  }
  std::vector<std::uint16_t> half(n);
  std::memcpy(half.data(), in, 2 * n);
  if (precision == CommPrecision::kFp16 && has_f16c()) {
    from_fp16_f16c(half.data(), n, scale, out.data());
  } else if (precision == CommPrecision::kFp16) {
    for (std::size_t i = 0; i < n; ++i) out[i] = from_fp16(half[i]) * scale;
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = from_bf16(half[i]) * scale;
  }
  if (precision == CommPrecision::kFp16 &&
      !std::all_of(out.begin(), out.end(), [](float v) { return std::isfinite(v); }))
    throw Error("fp16 payload",
                "a value left fp16's range (65504) on the wire: lower --loss-scale, "
                "or send bf16");
}

const std::byte* ByteReader::take(std::size_t bytes) {
  if (bytes > in_.size() - at_)
    throw Error("exchange",
                fmt::format("a message of {} bytes ends before byte {}", in_.size(), at_ + bytes));
  const std::byte* p = in_.data() + at_;
  at_ += bytes;
  return p;
}

}  // namespace detail

std::string to_string(CommPrecision precision) {
  switch (precision) {
    case CommPrecision::kFp32:
      return "fp32";
    case CommPrecision::kFp16:
      return "fp16";
    case CommPrecision::kBf16:
      return "bf16";
  }
  return "fp32";
}

CommPrecision parse_comm_precision(std::string_view name, std::string_view input) {
  for (const CommPrecision p : {CommPrecision::kFp32, CommPrecision::kFp16, CommPrecision::kBf16})
    if (name == to_string(p)) return p;
  throw Error(input, fmt::format("'{}' is not a precision: fp32, fp16 or bf16", name));
}

std::size_t wire_bytes(CommPrecision precision) {
  return precision == CommPrecision::kFp32 ? 4 : 2;
}

}  // namespace tessera::dlrm
