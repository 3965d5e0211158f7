// The kernel benchmark's data, its TW-GEMM check and its comparison with oneDNN.
#include "tessera/tilewise/kernel_bench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/learn/onednn_gemm.hpp"

namespace tessera::tilewise {

bool close_to(std::span<const float> got, std::span<const float> reference) {
  if (got.size() != reference.size()) return false;
  float scale = 0.0f;
  for (float v : reference) scale = std::max(scale, std::fabs(v));
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - reference[i]) <= 1e-4f * scale)) return false;
  }
  return true;
}

void check_kernel_case(const KernelCase& c) {
  for (const auto& [size, field] :
       {std::pair{c.n, "KernelCase::n"}, std::pair{c.k, "KernelCase::k"},
        std::pair{c.m, "KernelCase::m"}, std::pair{c.g, "KernelCase::g"}}) {
    if (size == 0) throw usage_error(field, "must be at least 1");
  }
  if (c.threads < 1 || c.threads > kMaxThreads) {
    throw usage_error("KernelCase::threads",
                      fmt::format("must be in [1, {}], got {}", kMaxThreads, c.threads));
  }
  if (!(c.sparsity >= 0 && c.sparsity <= 1)) {
    throw usage_error("KernelCase::sparsity", fmt::format("{} is not in [0, 1]", c.sparsity));
  }
  if (!(c.restored >= 0 && c.sparsity + c.restored <= 1)) {
    throw usage_error(
        "KernelCase::restored",
        fmt::format("{} restored over a sparsity of {} leaves [0, 1]", c.restored, c.sparsity));
  }
}

KernelBench::KernelBench(const KernelCase& c, const TwKernel& kernel) : case_(c), kernel_(&kernel) {
  check_kernel_case(c);
  a_ = AlignedBuffer<float>(c.m * c.k);
  w_ = AlignedBuffer<float>(c.k * c.n);
  fill_uniform(a_.span(), CounterRng(c.seed, 0), -1.0f, 1.0f);
  fill_uniform(w_.span(), CounterRng(c.seed, 1), -1.0f, 1.0f);
  const TilePattern pattern = TilePattern::random(c.k, c.n, c.g, c.sparsity + c.restored, c.seed);
  std::vector<std::uint8_t> kept;
  if (c.restored > 0) {  // each pruned weight restored with probability δ / (s + δ)
    const std::vector<bool> tiles = pattern.mask();
    const CounterRng rng(c.seed, 2);
    const double p = c.restored / (c.sparsity + c.restored);
    kept.resize(tiles.size());
    for (std::size_t i = 0; i < kept.size(); ++i) kept[i] = tiles[i] || rng.uniform(i) < p;
  }
  tw_ = TwMatrix::pack(pattern, View<const float, 2>(w_.data(), {c.k, c.n}), kept);
  masked_ = tw_.unpack();
  c_tw_ = AlignedBuffer<float>(c.m * c.n);
  c_dense_ = AlignedBuffer<float>(c.m * c.n);
  c_masked_ = AlignedBuffer<float>(c.m * c.n);
}

void KernelBench::run_tw() {
  const ThreadCountScope scope(case_.threads);
  tw_gemm(View<const float, 2>(a_.data(), {case_.m, case_.k}), tw_,
          View<float, 2>(c_tw_.data(), {case_.m, case_.n}), *kernel_, schedule_);
}

void KernelBench::run_onednn(std::span<const float> weights, AlignedBuffer<float>& c) const {
  const ThreadCountScope scope(case_.threads);
  learn::onednn_sgemm('N', 'N', case_.m, case_.n, case_.k, a_.data(), case_.k, weights.data(),
                      case_.n, 0.0f, c.data(), case_.n);
}

void KernelBench::run_onednn_dense() { run_onednn(w_.span(), c_dense_); }

BenchOptions KernelBench::options(BenchOptions base) {
  const TwSchedule defaults = default_tw_schedule();
  base.extra = {{"n", case_.n},
                {"k", case_.k},
                {"m", case_.m},
                {"g", case_.g},
                {"sparsity", case_.sparsity},
                {"restored", case_.restored},
                {"achieved_sparsity", 1.0 - static_cast<double>(tw_.kept_weights()) /
                                                static_cast<double>(case_.k * case_.n)},
                {"threads", case_.threads},
                {"kernel", std::string(kernel_->name)},
                {"w_budget", schedule_.w_budget != 0 ? schedule_.w_budget : defaults.w_budget},
                {"row_block",
                 schedule_.max_row_block != 0 ? schedule_.max_row_block : defaults.max_row_block},
                {"prefetch_rows",
                 schedule_.prefetch_rows != 0 ? schedule_.prefetch_rows : defaults.prefetch_rows},
                {"ideal", 1.0 / (1.0 - case_.sparsity)}};
  // Side A (TW-GEMM) must equal oneDNN on the masked weights; side B computes the dense product.
  base.check = [this] {
    run_tw();
    run_onednn(masked_.span(), c_masked_);
    return close_to(c_tw_.span(), c_masked_.span());
  };
  base.check_b = [this] {
    run_onednn_dense();
    return true;
  };
  return base;
}

Comparison KernelBench::against_onednn(const BenchOptions& base) {
  return compare_ab(
      "tw_gemm", [this] { run_tw(); }, "onednn_sgemm_dense", [this] { run_onednn_dense(); },
      options(base));
}

}  // namespace tessera::tilewise
