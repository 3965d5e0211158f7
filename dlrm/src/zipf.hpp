// Zipf-distributed table rows for the synthetic data: ranks by rejection-inversion (Hörmann &
// Derflinger 1996, "Rejection-inversion to generate variates from monotone discrete
// distributions", ACM TOMACS 6(3)), scattered over the rows by a keyed permutation.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace tessera::dlrm::detail {

/// Uniform draws a Zipf rank may use; when all are rejected the last candidate is returned.
inline constexpr int kZipfDraws = 32;
/// Ranks whose slices of the hat are tabulated.
inline constexpr std::int64_t kZipfTableRanks = 256;

/// One rejection-inversion step: the candidate rank and whether it is accepted.
struct ZipfCandidate {
  std::int64_t rank = 1;
  bool accepted = false;
};

/// Zipf(s) over ranks 1..n. The hat's constants are computed once, and the hat's slices of the
/// first kZipfTableRanks ranks are tabulated so that they are found without inverting H (a guide
/// table, Chen & Asau 1974): memory independent of n.
class ZipfSampler {
 public:
  /// n >= 1 ranks, exponent s finite and > 0 (the caller checks).
  ZipfSampler(std::int64_t n, double s);

  /// The candidate rank for a uniform draw in [0, 1), and whether the hat keeps it.
  ZipfCandidate candidate(double uniform) const;

  /// The rank for the uniform draws draw(0), draw(1), ... (at most kZipfDraws of them).
  template <class Draw>
  std::int64_t sample(const Draw& draw) const {
    for (int i = 0;; ++i) {
      const ZipfCandidate c = candidate(draw(i));
      if (c.accepted || i + 1 == kZipfDraws) return c.rank;
    }
  }

  /// P(rank = k) for 1 <= k <= n; the normaliser is summed over the tabulated ranks and integrated
  /// (midpoint rule) over the rest, relative error below 1e-7.
  double probability(std::int64_t k) const;

 private:
  double h(double x) const;                 // x^-s
  double integral(double x) const;          // H(x), an antiderivative of h
  double integral_inverse(double y) const;  // H^-1(y)

  std::int64_t n_;
  double s_;
  double integral_top_;     // H(n + 0.5)
  double integral_bottom_;  // H(1.5) - h(1): rank 1 owns a slice of width h(1)
  double squeeze_;          // k - x below this is always accepted (the paper's s)
  double normaliser_;       // sum of k^-s over 1..n
  // The tabulated ranks 1..K, K = min(n, kZipfTableRanks): rank k owns y in
  // (upper_[k - 2], upper_[k - 1]] (rank 1 from integral_bottom_) and keeps y >= keep_[k - 1].
  std::vector<double> upper_;        // H(k + 0.5)
  std::vector<double> keep_;         // H(k + 0.5) - h(k); integral_bottom_ for rank 1
  std::vector<std::int64_t> guide_;  // first rank whose slice reaches into each of K cells of y
  double cells_per_y_;               // K / (upper_[K - 1] - integral_bottom_)
};

/// A pseudo-random permutation of [0, n) that needs no table: a four-round unbalanced Feistel
/// network on the smallest power of two >= n, cycle-walked back into [0, n) (under two steps on
/// average).
class RowPermutation {
 public:
  /// n >= 1; `keys` are the round keys.
  RowPermutation(std::int64_t n, const std::array<std::uint64_t, 4>& keys);

  /// The image of x, 0 <= x < n.
  std::int64_t operator()(std::int64_t x) const;

 private:
  std::uint64_t feistel(std::uint64_t x) const;

  std::uint64_t n_;
  int low_bits_;
  std::uint64_t low_mask_;
  std::uint64_t high_mask_;
  std::array<std::uint64_t, 4> keys_;
};

}  // namespace tessera::dlrm::detail
