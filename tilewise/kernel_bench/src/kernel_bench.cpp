// The kernel benchmark's data, its TW-GEMM check and its comparison with oneDNN.
#include "tessera/tilewise/kernel_bench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "tessera/core/bf16.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/learn/onednn_bf16_matmul.hpp"
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
  if (c.precision == Precision::kBf16 && !tw_gemm_bf16_runs_here()) {
    throw usage_error("KernelCase::precision", "bf16 " + tw_gemm_bf16_unavailable());
  }
}

// A case in bf16: A and the weights rounded to bf16, W's tiles packed in pairs, and oneDNN's bf16
// matmul on the dense and on the masked weights (the check's reference).
struct KernelBench::Bf16 {
  std::vector<std::uint16_t> a;
  TwMatrixBf16 tw;
  learn::OnednnBf16Matmul dense, masked;
};

namespace {

std::vector<std::uint16_t> bf16_copy(std::span<const float> values) {
  std::vector<std::uint16_t> out(values.size());
  to_bf16(values, out);
  return out;
}

}  // namespace

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
  if (c.precision == Precision::kBf16) {
    TwMatrixBf16 tw(tw_);
    const std::vector<std::uint16_t> dense = bf16_copy(w_.span()), masked = bf16_copy(tw.unpack());
    bf16_ = std::make_unique<Bf16>(Bf16{bf16_copy(a_.span()), std::move(tw),
                                        learn::OnednnBf16Matmul(c.m, c.n, c.k, dense.data()),
                                        learn::OnednnBf16Matmul(c.m, c.n, c.k, masked.data())});
  }
  c_tw_ = AlignedBuffer<float>(c.m * c.n);
  c_dense_ = AlignedBuffer<float>(c.m * c.n);
  c_masked_ = AlignedBuffer<float>(c.m * c.n);
}

KernelBench::KernelBench(KernelBench&&) noexcept = default;
KernelBench::~KernelBench() = default;

void KernelBench::run_tw() {
  const ThreadCountScope scope(case_.threads);
  if (bf16_) {
    tw_gemm_bf16(View<const std::uint16_t, 2>(bf16_->a.data(), {case_.m, case_.k}), bf16_->tw,
                 View<float, 2>(c_tw_.data(), {case_.m, case_.n}), schedule_);
    return;
  }
  tw_gemm(View<const float, 2>(a_.data(), {case_.m, case_.k}), tw_,
          View<float, 2>(c_tw_.data(), {case_.m, case_.n}), *kernel_, schedule_);
}

void KernelBench::run_onednn(std::span<const float> weights, AlignedBuffer<float>& c) const {
  const ThreadCountScope scope(case_.threads);
  learn::onednn_sgemm('N', 'N', case_.m, case_.n, case_.k, a_.data(), case_.k, weights.data(),
                      case_.n, 0.0f, c.data(), case_.n);
}

void KernelBench::run_onednn_dense() {
  if (!bf16_) {
    run_onednn(w_.span(), c_dense_);
    return;
  }
  const ThreadCountScope scope(case_.threads);
  bf16_->dense.run(bf16_->a.data(), c_dense_.data());
}

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
                {"kernel", bf16_ ? tw_gemm_bf16_kernels().kernels().front().name : kernel_->name},
                {"precision", bf16_ ? "bf16" : "fp32"},
                {"onednn", bf16_ ? bf16_->dense.implementation() : std::string("sgemm")},
                {"w_budget", schedule_.w_budget != 0 ? schedule_.w_budget : defaults.w_budget},
                {"row_block",
                 schedule_.max_row_block != 0 ? schedule_.max_row_block : defaults.max_row_block},
                {"prefetch_rows",
                 schedule_.prefetch_rows != 0 ? schedule_.prefetch_rows : defaults.prefetch_rows},
                {"ideal", 1.0 / (1.0 - case_.sparsity)}};
  // Side A (TW-GEMM) must equal oneDNN on the masked weights; side B computes the dense product.
  base.check = [this] {
    run_tw();
    if (bf16_) {
      const ThreadCountScope scope(case_.threads);
      bf16_->masked.run(bf16_->a.data(), c_masked_.data());
    } else {
      run_onednn(masked_.span(), c_masked_);
    }
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
      bf16_ ? "tw_gemm_bf16" : "tw_gemm", [this] { run_tw(); },
      bf16_ ? "onednn_bf16_matmul_dense" : "onednn_sgemm_dense", [this] { run_onednn_dense(); },
      options(base));
}

}  // namespace tessera::tilewise
