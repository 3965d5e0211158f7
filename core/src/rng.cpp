// Philox4x32-10 and the distributions built on it: each value is computed from its own counter
// block(s), so any index can be drawn alone, in any order, on any thread.
#include "tessera/core/rng.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <type_traits>

#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"

namespace tessera {
namespace {

// Philox4x32 multipliers and Weyl key increments (Salmon et al. 2011, table 2 and section 3.3).
constexpr std::uint32_t kPhiloxMultiplier0 = 0xD2511F53;
constexpr std::uint32_t kPhiloxMultiplier1 = 0xCD9E8D57;
constexpr std::uint32_t kPhiloxWeyl0 = 0x9E3779B9;
constexpr std::uint32_t kPhiloxWeyl1 = 0xBB67AE85;
constexpr int kPhiloxRounds = 10;

constexpr double kTwoToMinus53 = 0x1p-53;
constexpr float kTwoToMinus24 = 0x1p-24f;
constexpr std::uint32_t kDrawLimit = 2 * kRngAttemptLimit;
constexpr std::size_t kFillGrain = 4096;

__extension__ using Uint128 = unsigned __int128;

std::uint32_t high_word(std::uint64_t x) { return static_cast<std::uint32_t>(x >> 32); }
std::uint32_t low_word(std::uint64_t x) { return static_cast<std::uint32_t>(x); }
std::uint64_t join_words(std::uint32_t low, std::uint32_t high) {
  return (std::uint64_t{high} << 32) | low;
}

Philox4x32Block philox_round(const Philox4x32Block& x, const Philox4x32Key& key) {
  const std::uint64_t product0 = std::uint64_t{kPhiloxMultiplier0} * x[0];
  const std::uint64_t product1 = std::uint64_t{kPhiloxMultiplier1} * x[2];
  return {high_word(product1) ^ x[1] ^ key[0], low_word(product1),
          high_word(product0) ^ x[3] ^ key[1], low_word(product0)};
}

// [0, 1) from the top 53 bits of a 64-bit draw.
double unit_double(std::uint64_t bits) { return static_cast<double>(bits >> 11) * kTwoToMinus53; }

template <typename T>
void check_range(T lo, T hi) {
  if (!(lo < hi) || !std::isfinite(hi - lo)) {
    throw usage_error("uniform range", fmt::format("needs finite lo < hi, got [{}, {})", lo, hi));
  }
}

void check_normal(double mean, double stddev) {
  if (!std::isfinite(mean))
    throw usage_error("normal mean", fmt::format("must be finite, got {}", mean));
  if (!(stddev >= 0.0) || !std::isfinite(stddev)) {
    throw usage_error("normal stddev", fmt::format("must be finite and >= 0, got {}", stddev));
  }
}

// lo + (hi - lo) * u for u in [0, 1), moved down one step if rounding reached hi.
template <typename T>
T scale_below(T u, T lo, T hi) {
  const T value = lo + (hi - lo) * u;
  return value < hi ? value : std::nextafter(hi, lo);
}

// The continuous hat of rejection-inversion for h(x) = x^-s (Hörmann & Derflinger 1996):
// integral(x) is an antiderivative of h, written with expm1/log1p so that s near 1 stays exact.
class ZipfHat {
 public:
  explicit ZipfHat(double s) : s_(s) {}

  double h(double x) const { return std::exp(-s_ * std::log(x)); }
  double integral(double x) const {
    const double log_x = std::log(x);
    return expm1_ratio((1.0 - s_) * log_x) * log_x;
  }
  double integral_inverse(double y) const {
    // Rounding can push t a hair below -1 for large s; log1p needs t >= -1.
    const double t = std::max(-1.0, y * (1.0 - s_));
    return std::exp(log1p_ratio(t) * y);
  }

 private:
  // expm1(t) / t and log1p(t) / t, with their series near t = 0.
  static double expm1_ratio(double t) {
    return std::abs(t) > 1e-8 ? std::expm1(t) / t
                              : 1.0 + t * 0.5 * (1.0 + t / 3.0 * (1.0 + 0.25 * t));
  }
  static double log1p_ratio(double t) {
    return std::abs(t) > 1e-8 ? std::log1p(t) / t : 1.0 - t * (0.5 - t * (1.0 / 3.0 - 0.25 * t));
  }

  double s_;
};

template <typename T, typename Draw>
void fill_indexed(std::span<T> out, std::uint64_t first_index, const Draw& draw) {
  parallel_for(out.size(), kFillGrain, [&](std::size_t, Range range) {
    for (std::size_t j = range.begin; j < range.end; ++j) out[j] = draw(first_index + j);
  });
}

template <typename T>
void fill_uniform_of(std::span<T> out, const CounterRng& rng, T lo, T hi, std::uint64_t first) {
  check_range(lo, hi);
  fill_indexed(out, first, [&](std::uint64_t index) {
    if constexpr (std::is_same_v<T, float>) {
      return rng.uniform_float(index, lo, hi);
    } else {
      return rng.uniform(index, lo, hi);
    }
  });
}

template <typename T>
void fill_normal_of(std::span<T> out, const CounterRng& rng, double mean, double stddev,
                    std::uint64_t first) {
  check_normal(mean, stddev);
  fill_indexed(out, first, [&](std::uint64_t index) {
    return static_cast<T>(rng.normal(index, mean, stddev));
  });
}

}  // namespace

Philox4x32Block philox4x32_10(const Philox4x32Block& counter, const Philox4x32Key& key) {
  Philox4x32Block x = philox_round(counter, key);
  Philox4x32Key round_key = key;
  for (int round = 1; round < kPhiloxRounds; ++round) {
    round_key[0] += kPhiloxWeyl0;
    round_key[1] += kPhiloxWeyl1;
    x = philox_round(x, round_key);
  }
  return x;
}

CounterRng::CounterRng(std::uint64_t seed, std::uint64_t stream) : seed_(seed), stream_(stream) {
  if (stream >= kRngStreamLimit) {
    throw usage_error("rng stream", fmt::format("must be < 2^48, got {}", stream));
  }
}

Philox4x32Block CounterRng::block(std::uint64_t index, std::uint32_t attempt) const {
  const std::uint32_t stream_high = high_word(stream_) << 16 | attempt;
  return philox4x32_10({low_word(index), high_word(index), low_word(stream_), stream_high},
                       {low_word(seed_), high_word(seed_)});
}

std::uint64_t CounterRng::draw_u64(std::uint64_t index, std::uint32_t draw) const {
  const Philox4x32Block words = block(index, draw / 2);
  const std::size_t half = std::size_t{2} * (draw % 2);
  return join_words(words[half], words[half + 1]);
}

Philox4x32Block CounterRng::bits(std::uint64_t index) const { return block(index, 0); }

std::uint32_t CounterRng::u32(std::uint64_t index) const { return bits(index)[0]; }

std::uint64_t CounterRng::u64(std::uint64_t index) const { return draw_u64(index, 0); }

double CounterRng::uniform(std::uint64_t index) const { return unit_double(u64(index)); }

float CounterRng::uniform_float(std::uint64_t index) const {
  return static_cast<float>(u32(index) >> 8) * kTwoToMinus24;
}

double CounterRng::uniform(std::uint64_t index, double lo, double hi) const {
  check_range(lo, hi);
  return scale_below(uniform(index), lo, hi);
}

float CounterRng::uniform_float(std::uint64_t index, float lo, float hi) const {
  check_range(lo, hi);
  return scale_below(uniform_float(index), lo, hi);
}

std::uint64_t CounterRng::uniform_int(std::uint64_t index, std::uint64_t n) const {
  if (n == 0) throw usage_error("uniform_int n", "must be >= 1, got 0");
  // Draws whose low product half falls below 2^64 mod n would make some results more likely.
  const std::uint64_t threshold = (0 - n) % n;
  for (std::uint32_t draw = 0;; ++draw) {
    const Uint128 product = Uint128{draw_u64(index, draw)} * n;
    if (static_cast<std::uint64_t>(product) >= threshold || draw + 1 == kDrawLimit) {
      return static_cast<std::uint64_t>(product >> 64);
    }
  }
}

double CounterRng::normal(std::uint64_t index, double mean, double stddev) const {
  check_normal(mean, stddev);
  const Philox4x32Block words = bits(index);
  const double radius_uniform = 1.0 - unit_double(join_words(words[0], words[1]));  // (0, 1]
  const double angle_uniform = unit_double(join_words(words[2], words[3]));
  const double standard =
      std::sqrt(-2.0 * std::log(radius_uniform)) * std::cos(2.0 * std::numbers::pi * angle_uniform);
  return mean + stddev * standard;
}

bool CounterRng::bernoulli(std::uint64_t index, double p) const {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw usage_error("bernoulli p", fmt::format("must be in [0, 1], got {}", p));
  }
  return uniform(index) < p;
}

std::uint64_t CounterRng::zipf(std::uint64_t index, std::uint64_t n, double s) const {
  if (n == 0) throw usage_error("zipf n", "must be >= 1, got 0");
  if (!(s > 0.0) || !std::isfinite(s)) {
    throw usage_error("zipf exponent", fmt::format("must be finite and > 0, got {}", s));
  }
  const ZipfHat hat(s);
  const double n_real = static_cast<double>(n);
  // The hat covers (integral(1.5) - h(1), integral(n + 0.5)]: value 1 owns a slice of width h(1),
  // value k >= 2 owns (integral(k - 0.5), integral(k + 0.5)] and keeps its top h(k).
  const double top = hat.integral(n_real + 0.5);
  const double bottom = hat.integral(1.5) - 1.0;
  // Quick acceptance: k - x below this is inside the kept part for every k (the paper's s).
  const double squeeze = 2.0 - hat.integral_inverse(hat.integral(2.5) - hat.h(2.0));
  for (std::uint32_t draw = 0;; ++draw) {
    const double y = top + unit_double(draw_u64(index, draw)) * (bottom - top);
    const double x = hat.integral_inverse(y);
    const double rounded = std::floor(x + 0.5);
    const std::uint64_t k = rounded < 1.0       ? 1
                            : rounded >= n_real ? n
                                                : static_cast<std::uint64_t>(rounded);
    const double k_real = static_cast<double>(k);
    if (k_real - x <= squeeze || y >= hat.integral(k_real + 0.5) - hat.h(k_real) ||
        draw + 1 == kDrawLimit) {
      return k;
    }
  }
}

void fill_uniform(std::span<float> out, const CounterRng& rng, float lo, float hi,
                  std::uint64_t first_index) {
  fill_uniform_of(out, rng, lo, hi, first_index);
}

void fill_uniform(std::span<double> out, const CounterRng& rng, double lo, double hi,
                  std::uint64_t first_index) {
  fill_uniform_of(out, rng, lo, hi, first_index);
}

void fill_normal(std::span<float> out, const CounterRng& rng, double mean, double stddev,
                 std::uint64_t first_index) {
  fill_normal_of(out, rng, mean, stddev, first_index);
}

void fill_normal(std::span<double> out, const CounterRng& rng, double mean, double stddev,
                 std::uint64_t first_index) {
  fill_normal_of(out, rng, mean, stddev, first_index);
}

}  // namespace tessera
