// Zipf ranks by rejection-inversion (Hörmann & Derflinger 1996, ACM TOMACS 6(3), section 3) with
// the first ranks' slices of the hat in a guide table (Chen & Asau 1974), and a keyed Feistel row
// permutation with cycle-walking (Black & Rogaway 2002, "Ciphers with arbitrary finite domains").
#include "zipf.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "splitmix.hpp"

namespace tessera::dlrm::detail {
namespace {

// expm1(t) / t with its series near t = 0, so that s near 1 stays exact.
double expm1_ratio(double t) {
  return std::abs(t) > 1e-8 ? std::expm1(t) / t
                            : 1.0 + t * 0.5 * (1.0 + t / 3.0 * (1.0 + 0.25 * t));
}

// log1p(t) / t as log(u) / (u - 1) with u = 1 + t rounded: exact to a few ulps (Goldberg 1991,
// "What every computer scientist should know about floating-point arithmetic", theorem 4) and
// cheaper than log1p.
double log1p_ratio(double t) {
  const double u = 1.0 + t;
  return u == 1.0 ? 1.0 : std::log(u) / (u - 1.0);
}

}  // namespace

ZipfSampler::ZipfSampler(std::int64_t n, double s) : n_(n), s_(s) {
  const double n_real = static_cast<double>(n);
  integral_top_ = integral(n_real + 0.5);
  integral_bottom_ = integral(1.5) - 1.0;
  squeeze_ = 2.0 - integral_inverse(integral(2.5) - h(2.0));
  // The tabulated ranks' h(k) are summed into the normaliser; the rest of it is integrated.
  const auto table_ranks = static_cast<std::size_t>(std::min(n, kZipfTableRanks));
  upper_.resize(table_ranks);
  keep_.resize(table_ranks);
  normaliser_ = 0.0;
  for (std::size_t k = 1; k <= table_ranks; ++k) {
    const auto k_real = static_cast<double>(k);
    const double h_k = h(k_real);
    normaliser_ += h_k;
    upper_[k - 1] = integral(k_real + 0.5);  // for k = n, integral_top_ bit for bit
    keep_[k - 1] = k == 1 ? integral_bottom_ : upper_[k - 1] - h_k;
  }
  if (n > kZipfTableRanks) normaliser_ += integral_top_ - upper_.back();
  cells_per_y_ = static_cast<double>(table_ranks) / (upper_.back() - integral_bottom_);
  guide_.resize(table_ranks);
  std::size_t rank = 1;
  for (std::size_t cell = 0; cell < table_ranks; ++cell) {
    const double cell_start = integral_bottom_ + static_cast<double>(cell) / cells_per_y_;
    while (upper_[rank - 1] < cell_start) ++rank;
    guide_[cell] = static_cast<std::int64_t>(rank);
  }
}

double ZipfSampler::h(double x) const { return std::exp(-s_ * std::log(x)); }

double ZipfSampler::integral(double x) const {
  const double log_x = std::log(x);
  return expm1_ratio((1.0 - s_) * log_x) * log_x;
}

double ZipfSampler::integral_inverse(double y) const {
  // Rounding can push t a hair below -1 for large s; log1p needs t >= -1.
  const double t = std::max(-1.0, y * (1.0 - s_));
  return std::exp(log1p_ratio(t) * y);
}

ZipfCandidate ZipfSampler::candidate(double uniform) const {
  // y in (integral_bottom_, integral_top_]: rank k >= 2 owns (H(k - 0.5), H(k + 0.5)] and keeps
  // its top h(k); rank 1 owns (H(1.5) - h(1), H(1.5)] whole.
  const double y = integral_top_ + uniform * (integral_bottom_ - integral_top_);
  if (y <= upper_.back()) {
    // A tabulated rank: start from the cell's guide, step to the slice holding y (the step down
    // absorbs rounding of the cell index).
    const auto cell = std::min(static_cast<std::size_t>((y - integral_bottom_) * cells_per_y_),
                               guide_.size() - 1);
    auto k = static_cast<std::size_t>(guide_[cell]);
    while (k > 1 && y <= upper_[k - 2]) --k;
    while (y > upper_[k - 1]) ++k;
    return {.rank = static_cast<std::int64_t>(k), .accepted = y >= keep_[k - 1]};
  }
  const double x = integral_inverse(y);
  const double rounded = std::floor(x + 0.5);
  const double n_real = static_cast<double>(n_);
  const std::int64_t k = rounded < 1.0       ? 1
                         : rounded >= n_real ? n_
                                             : static_cast<std::int64_t>(rounded);
  const double k_real = static_cast<double>(k);
  const bool accepted = k_real - x <= squeeze_ || y >= integral(k_real + 0.5) - h(k_real);
  return {.rank = k, .accepted = accepted};
}

double ZipfSampler::probability(std::int64_t k) const {
  return h(static_cast<double>(k)) / normaliser_;
}

RowPermutation::RowPermutation(std::int64_t n, const std::array<std::uint64_t, 4>& keys)
    : n_(static_cast<std::uint64_t>(n)), keys_(keys) {
  const auto bits =
      static_cast<int>(std::bit_width(n_ - 1));  // the domain is [0, 2^bits), 2^bits < 2n
  low_bits_ = bits / 2;
  low_mask_ = (std::uint64_t{1} << low_bits_) - 1;
  high_mask_ = (std::uint64_t{1} << (bits - low_bits_)) - 1;
}

std::uint64_t RowPermutation::feistel(std::uint64_t x) const {
  std::uint64_t low = x & low_mask_;
  std::uint64_t high = x >> low_bits_;
  // Each round xors one half with a keyed hash of the other: an involution, so a bijection.
  high ^= splitmix64_mix(low ^ keys_[0]) & high_mask_;
  low ^= splitmix64_mix(high ^ keys_[1]) & low_mask_;
  high ^= splitmix64_mix(low ^ keys_[2]) & high_mask_;
  low ^= splitmix64_mix(high ^ keys_[3]) & low_mask_;
  return (high << low_bits_) | low;
}

std::int64_t RowPermutation::operator()(std::int64_t x) const {
  // Walking the cycle of x until it re-enters [0, n) stays a bijection of [0, n).
  std::uint64_t y = feistel(static_cast<std::uint64_t>(x));
  while (y >= n_) y = feistel(y);
  return static_cast<std::int64_t>(y);
}

}  // namespace tessera::dlrm::detail
