// Payload precisions and the byte reader (comm_precision.hpp, wire.hpp): fp16 through F16C where
// the CPU has it (else the compiler's _Float16), bf16 by rounding to nearest even in integers.
#include "wire.hpp"

#include <fmt/format.h>
#include <immintrin.h>

#include <bit>

#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"

namespace tessera::dlrm {
namespace detail {
namespace {

std::uint16_t to_bf16(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((bits >> 16) | 0x40u);
  return static_cast<std::uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

float from_bf16(std::uint16_t value) { return std::bit_cast<float>(std::uint32_t{value} << 16); }

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
  for (; i < n; ++i)
    out[i] = static_cast<std::uint16_t>(_cvtss_sh(in[i] * scale, _MM_FROUND_TO_NEAREST_INT));
}

__attribute__((target("f16c,avx"))) void from_fp16_f16c(const std::uint16_t* in, std::size_t n,
                                                        float scale, float* out) {
  std::size_t i = 0;
  const __m256 s = _mm256_set1_ps(scale);
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtph_ps(h), s));
  }
  for (; i < n; ++i) out[i] = _cvtsh_ss(in[i]) * scale;
}

}  // namespace

void encode(std::span<const float> values, CommPrecision precision, float scale,
            std::vector<std::byte>& out) {
  const std::size_t at = out.size(), n = values.size();
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
        for (std::size_t i = 0; i < n; ++i)
          half[i] = std::bit_cast<std::uint16_t>(static_cast<_Float16>(values[i] * scale));
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
    for (std::size_t i = 0; i < n; ++i)
      out[i] = static_cast<float>(std::bit_cast<_Float16>(half[i])) * scale;
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = from_bf16(half[i]) * scale;
  }
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
