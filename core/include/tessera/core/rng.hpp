// Counter-based random numbers (Philox4x32-10): value `index` of stream `stream` under seed `seed`
// is a pure function of those three numbers, so results never depend on thread or rank counts.
// Rejection samplers draw further blocks from attempt numbers of the same counter, never from
// state.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace tessera {

/// Four 32-bit words: a Philox counter or one output block.
using Philox4x32Block = std::array<std::uint32_t, 4>;
/// Two 32-bit words: a Philox key.
using Philox4x32Key = std::array<std::uint32_t, 2>;

/// Philox4x32-10 (Salmon et al., SC'11): the bijection of `counter` under `key`, 10 rounds.
Philox4x32Block philox4x32_10(const Philox4x32Block& counter, const Philox4x32Key& key);

/// Streams are numbered below 2^48 (the counter holds 48 stream bits).
inline constexpr std::uint64_t kRngStreamLimit = std::uint64_t{1} << 48;
/// Blocks a rejection sampler may draw for one index (16 attempt bits, two 64-bit draws each);
/// if all are rejected (probability far below 2^-1000) the last candidate is returned.
inline constexpr std::uint32_t kRngAttemptLimit = std::uint32_t{1} << 16;

/// Random values keyed by (seed, stream, index). Key = (seed low 32, seed high 32); counter =
/// (index low 32, index high 32, stream low 32, (stream bits 32..47) << 16 | attempt), so distinct
/// (seed, stream, index, attempt) never share a block. Every method is const and pure.
class CounterRng {
 public:
  /// Any seed; stream < kRngStreamLimit (usage error otherwise).
  CounterRng(std::uint64_t seed, std::uint64_t stream);

  /// The seed this generator was built with.
  std::uint64_t seed() const { return seed_; }
  /// The stream number this generator was built with.
  std::uint64_t stream() const { return stream_; }

  /// The Philox block of `index` (attempt 0): 128 random bits.
  Philox4x32Block bits(std::uint64_t index) const;
  /// Word 0 of bits(index).
  std::uint32_t u32(std::uint64_t index) const;
  /// Words 0 (low half) and 1 (high half) of bits(index).
  std::uint64_t u64(std::uint64_t index) const;

  /// Uniform double in [0, 1): the top 53 bits of u64(index) times 2^-53.
  double uniform(std::uint64_t index) const;
  /// Uniform float in [0, 1): the top 24 bits of u32(index) times 2^-24.
  float uniform_float(std::uint64_t index) const;
  /// Uniform double in [lo, hi): lo + (hi - lo) * uniform(index), kept below hi; needs finite
  /// lo < hi with finite hi - lo.
  double uniform(std::uint64_t index, double lo, double hi) const;
  /// Uniform float in [lo, hi) from uniform_float(index), computed in float; same rules as above.
  float uniform_float(std::uint64_t index, float lo, float hi) const;
  /// Uniform integer in [0, n), n >= 1, without modulo bias (Lemire's multiply-and-reject on
  /// successive 64-bit draws of the index's attempt blocks).
  std::uint64_t uniform_int(std::uint64_t index, std::uint64_t n) const;
  /// Normal(mean, stddev) by Box-Muller on the single block of `index` (the sine half is
  /// discarded: one block per value). Needs finite mean and finite stddev >= 0.
  double normal(std::uint64_t index, double mean = 0.0, double stddev = 1.0) const;
  /// True with probability p, 0 <= p <= 1: uniform(index) < p.
  bool bernoulli(std::uint64_t index, double p) const;
  /// Zipf value in [1, n] with P(k) proportional to k^-s (n >= 1, finite s > 0), by
  /// rejection-inversion (Hörmann & Derflinger 1996); rejections use later attempt blocks.
  std::uint64_t zipf(std::uint64_t index, std::uint64_t n, double s) const;

 private:
  Philox4x32Block block(std::uint64_t index, std::uint32_t attempt) const;
  /// 64-bit draw `draw` of `index`: half draw % 2 of the block of attempt draw / 2.
  std::uint64_t draw_u64(std::uint64_t index, std::uint32_t draw) const;

  std::uint64_t seed_;
  std::uint64_t stream_;
};

/// out[j] = rng.uniform_float(first_index + j, lo, hi) (float) or rng.uniform(...) (double), filled
/// in parallel; identical for any thread count. Range errors are raised even for an empty span.
void fill_uniform(std::span<float> out, const CounterRng& rng, float lo, float hi,
                  std::uint64_t first_index = 0);
/// The double overload of fill_uniform.
void fill_uniform(std::span<double> out, const CounterRng& rng, double lo, double hi,
                  std::uint64_t first_index = 0);

/// out[j] = rng.normal(first_index + j, mean, stddev), rounded to the element type, filled in
/// parallel; identical for any thread count.
void fill_normal(std::span<float> out, const CounterRng& rng, double mean = 0.0,
                 double stddev = 1.0, std::uint64_t first_index = 0);
/// The double overload of fill_normal.
void fill_normal(std::span<double> out, const CounterRng& rng, double mean = 0.0,
                 double stddev = 1.0, std::uint64_t first_index = 0);

}  // namespace tessera
