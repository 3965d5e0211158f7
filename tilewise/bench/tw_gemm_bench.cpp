// TW-GEMM against the dense GEMMs and the sparse kernel a user would otherwise call, on BERT-base
// layer shapes: oneDNN sgemm and OpenBLAS sgemm on the dense weights, and Eigen's CSR sparse-dense
// product on the same pruned weights. Every result is checked against TW-GEMM's before timing
// (1e-4 relative to the largest magnitude). Ratio = peer time / TW time (> 1: TW faster); the
// fraction of the ideal speedup 1/(1 - s) over oneDNN is printed beside it.
#include <cblas.h>
#include <fmt/format.h>
#include <oneapi/dnnl/dnnl.h>

#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

#include "tessera/core/bench_report.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/tilewise/tw_gemm.hpp"

namespace tessera::tilewise {
namespace {

struct Shape {
  std::size_t n;  // output features
  std::size_t k;  // input features
};
constexpr Shape kShapes[] = {{768, 768}, {3072, 768}, {768, 3072}};
constexpr std::size_t kTokens[] = {128, 512, 2048};
constexpr double kSparsities[] = {0.5, 0.75, 0.9, 0.95};

// TW-1D at sparsity s: every tile of 128 columns keeps round((1 - s)·k) rows drawn at random.
TilePattern bench_pattern(std::size_t k, std::size_t n, double s, std::uint64_t seed) {
  const CounterRng rng(seed, 0);
  const auto keep = static_cast<std::size_t>(std::lround((1.0 - s) * static_cast<double>(k)));
  std::vector<std::vector<std::uint32_t>> rows((n + kDefaultTileWidth - 1) / kDefaultTileWidth);
  for (std::size_t t = 0; t < rows.size(); ++t) {
    std::vector<std::uint32_t> order(k);
    std::iota(order.begin(), order.end(), 0u);
    for (std::size_t i = 0; i < keep; ++i) {  // partial Fisher-Yates
      std::swap(order[i], order[i + rng.u64(t * k + i) % (k - i)]);
    }
    rows[t].assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep));
    std::sort(rows[t].begin(), rows[t].end());
  }
  return TilePattern::contiguous(k, n, kDefaultTileWidth, std::move(rows));
}

bool close_to(const AlignedBuffer<float>& got, const AlignedBuffer<float>& reference) {
  float scale = 0.0f;
  for (float v : reference) scale = std::max(scale, std::fabs(v));
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - reference[i]) <= 1e-4f * scale)) return false;
  }
  return true;
}

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void run_case(BenchReport& report, Shape shape, std::size_t m, double s, int threads) {
  const std::size_t k = shape.k, n = shape.n;
  AlignedBuffer<float> a(m * k), w(k * n);
  fill_uniform(a.span(), CounterRng(1, 0), -1.0f, 1.0f);
  fill_uniform(w.span(), CounterRng(2, 0), -1.0f, 1.0f);
  const TwMatrix tw =
      TwMatrix::pack(bench_pattern(k, n, s, 3), View<const float, 2>(w.data(), {k, n}));
  const AlignedBuffer<float> masked = tw.unpack();

  AlignedBuffer<float> c_tw(m * n), c_dense(m * n), c_masked(m * n), c_peer(m * n);
  const ThreadCountScope scope(threads);
  openblas_set_num_threads(1);
  const auto run_tw = [&] {
    tw_gemm(View<const float, 2>(a.data(), {m, k}), tw, View<float, 2>(c_tw.data(), {m, n}));
  };
  const auto onednn = [&](const float* weights, float* c) {
    const auto dim = [](std::size_t x) { return static_cast<dnnl_dim_t>(x); };
    if (dnnl_sgemm('N', 'N', dim(m), dim(n), dim(k), 1.0f, a.data(), dim(k), weights, dim(n), 0.0f,
                   c, dim(n)) != dnnl_success) {
      throw Error("oneDNN", "dnnl_sgemm failed");
    }
  };
  const auto openblas = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
                static_cast<int>(k), 1.0f, a.data(), static_cast<int>(k), w.data(),
                static_cast<int>(n), 0.0f, c_peer.data(), static_cast<int>(n));
  };
  Eigen::SparseMatrix<float, Eigen::RowMajor> csr =
      Eigen::Map<const RowMajor>(masked.data(), static_cast<Eigen::Index>(k),
                                 static_cast<Eigen::Index>(n))
          .sparseView();
  const Eigen::Map<const RowMajor> a_map(a.data(), static_cast<Eigen::Index>(m),
                                         static_cast<Eigen::Index>(k));
  Eigen::Map<RowMajor> c_map(c_peer.data(), static_cast<Eigen::Index>(m),
                             static_cast<Eigen::Index>(n));
  const auto eigen_csr = [&] { c_map.noalias() = a_map * csr; };

  BenchOptions options = report.options();
  options.extra = {{"n", n},
                   {"k", k},
                   {"m", m},
                   {"sparsity", s},
                   {"threads", threads},
                   {"ideal", 1.0 / (1.0 - s)}};
  // TW-GEMM must equal oneDNN on the pruned weights; the dense peers compute the dense product.
  options.check = [&] {
    run_tw();
    onednn(masked.data(), c_masked.data());
    return close_to(c_tw, c_masked);
  };
  options.check_b = [&] {
    onednn(w.data(), c_dense.data());
    return true;
  };
  const Comparison vs_onednn = compare_ab(
      "tw_gemm", run_tw, "onednn_sgemm_dense", [&] { onednn(w.data(), c_dense.data()); }, options);
  report.add(vs_onednn);
  std::printf("  %zux%zu M=%zu s=%.2f threads=%d: %.0f%% of the ideal %.1fx over oneDNN\n", n, k, m,
              s, threads, 100.0 * vs_onednn.ratio.median * (1.0 - s), 1.0 / (1.0 - s));
  // OpenBLAS (Debian's pthread build) and Eigen's sparse-dense product are compared on one thread:
  // OpenBLAS's own thread pool contends with OpenMP's (2-thread ratios ranged 0.5-51x between
  // cases), and Eigen's product is single-threaded.
  if (threads == 1) {
    options.check_b = [&] {
      openblas();
      return close_to(c_peer, c_dense);
    };
    report.add(compare_ab("tw_gemm", run_tw, "openblas_sgemm_dense", openblas, options));
    options.check_b = [&] {
      eigen_csr();
      return close_to(c_peer, c_masked);
    };
    report.add(compare_ab("tw_gemm", run_tw, "eigen_csr_spmm", eigen_csr, options));
  }
}

}  // namespace
}  // namespace tessera::tilewise

int main(int argc, char** argv) {
  using namespace tessera::tilewise;
  try {
    tessera::BenchReport report(argc, argv,
                                "TW-GEMM vs oneDNN and OpenBLAS dense sgemm and Eigen CSR SpMM");
    std::printf("TW-GEMM kernel: %s\n", std::string(tw_kernel().name).c_str());
    for (int threads : {1, 2}) {
      for (const Shape shape : kShapes) {
        for (std::size_t m : kTokens) {
          for (double s : kSparsities) run_case(report, shape, m, s, threads);
        }
      }
    }
  } catch (const tessera::Error& e) {
    std::fprintf(stderr, "tw_gemm_bench: %s\n", e.what());
    return static_cast<int>(e.exit_code());
  }
  return 0;
}
