// One case of the TW-GEMM kernel benchmark, shared by `tessera tilewise bench` and `make bench`'s
// tilewise_gemm_bench: C (m × n) = A (m × k) · W (k × n) with A and W uniform in [-1, 1) (seeded)
// and W pruned to TilePattern::random (TEW: plus restored elements at random). TW-GEMM is checked
// against oneDNN on the masked weights, then timed interleaved with oneDNN sgemm on the dense
// weights: the speedup a user gets by pruning, with its fraction of the ideal 1 / (1 - sparsity).
// In bf16 (A and W rounded to bf16, fp32 sums), TW-GEMM in bf16 against oneDNN's bf16 matmul.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tessera/bench/bench.hpp"
#include "tessera/core/buffer.hpp"
#include "tessera/tilewise/tw_gemm.hpp"
#include "tessera/tilewise/tw_gemm_bf16.hpp"
#include "tessera/tilewise/tw_matrix.hpp"

namespace tessera::tilewise {

/// The precision of a case: fp32, or bf16 inputs with fp32 sums.
enum class Precision : std::uint8_t { kFp32, kBf16 };

struct KernelCase {
  std::size_t n = 768;  // output features
  std::size_t k = 768;  // input features
  std::size_t m = 512;  // rows of A (tokens × batch)
  std::size_t g = kDefaultTileWidth;
  double sparsity = 0.75;
  int threads = 1;
  std::uint64_t seed = 1;
  double restored = 0;  // TEW: tiles pruned to sparsity + restored, then this fraction of all
                        // weights restored element-wise at random among the pruned ones
  Precision precision = Precision::kFp32;
};

/// Whether every element of `got` is within 1e-4 of the largest magnitude of `reference`.
bool close_to(std::span<const float> got, std::span<const float> reference);

/// Throws a usage error naming the KernelCase field at fault: a size of 0, a thread count outside
/// [1, kMaxThreads], a sparsity outside [0, 1], restored elements that leave [0, 1], or bf16 where
/// TW-GEMM in bf16 does not run (tw_gemm_bf16_runs_here).
void check_kernel_case(const KernelCase& c);

class KernelBench {
 public:
  /// Generates and packs the case's data, after check_kernel_case(c); `kernel` is the fp32 one.
  KernelBench(const KernelCase& c, const TwKernel& kernel = tw_kernel());
  KernelBench(KernelBench&&) noexcept;
  ~KernelBench();

  const KernelCase& shape() const { return case_; }
  std::span<const float> a() const { return a_.span(); }
  std::span<const float> dense_weights() const { return w_.span(); }
  std::span<const float> masked_weights() const { return masked_.span(); }
  /// oneDNN's products with the dense and the masked weights (what peers are checked against).
  std::span<const float> dense_product() const { return c_dense_.span(); }
  std::span<const float> masked_product() const { return c_masked_.span(); }

  /// The packed weights, and the schedule run_tw uses (default: {}, the caches' defaults).
  const TwMatrix& tw() const { return tw_; }
  void set_schedule(TwSchedule schedule) { schedule_ = schedule; }

  void run_tw();
  void run_onednn_dense();

  /// The options of a comparison with TW-GEMM as side A: `base` plus the case in `extra` and
  /// TW-GEMM's check (equal to oneDNN on the masked weights).
  BenchOptions options(BenchOptions base);
  /// TW-GEMM against oneDNN on the dense weights (sgemm, or the bf16 matmul), interleaved, with
  /// options(base).
  Comparison against_onednn(const BenchOptions& base);

 private:
  struct Bf16;  // the case in bf16: A, W's tiles and oneDNN's primitives

  void run_onednn(std::span<const float> weights, AlignedBuffer<float>& c) const;

  KernelCase case_;
  const TwKernel* kernel_;
  AlignedBuffer<float> a_, w_, masked_;
  TwMatrix tw_;
  std::unique_ptr<Bf16> bf16_;  // bf16 cases only
  TwSchedule schedule_{};
  AlignedBuffer<float> c_tw_, c_dense_, c_masked_;
};

}  // namespace tessera::tilewise
