// TW-GEMM against the dense GEMMs and the sparse kernel a user would otherwise call, on BERT-base
// layer shapes (kernel_bench.hpp): oneDNN sgemm and OpenBLAS sgemm on the dense weights, and
// Eigen's CSR sparse-dense product on the same pruned weights. Every result is checked before
// timing (1e-4 relative to the largest magnitude). Ratio = peer time / TW time (> 1: TW faster);
// the fraction of the ideal speedup 1/(1 - s) over oneDNN is printed beside it. The TW side is a
// record of the "tilewise.tw_gemm" registry, named with its ISA in every result: the preferred one
// by default, or those given by --kernel ("all": every record this CPU runs), side by side.
#include <cblas.h>

#include <Eigen/SparseCore>
#include <cstdio>
#include <string>
#include <vector>

#include "tessera/bench/bench_report.hpp"
#include "tessera/core/error.hpp"
#include "tessera/tilewise/kernel_bench.hpp"

namespace tessera::tilewise {
namespace {

struct Shape {
  std::size_t n;  // output features
  std::size_t k;  // input features
};
constexpr Shape kShapes[] = {{768, 768}, {3072, 768}, {768, 3072}};

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The records --kernel names ("all": every one that runs here); the preferred one without it.
std::vector<const TwKernel*> chosen_kernels(const BenchReport& report) {
  std::vector<const TwKernel*> out;
  for (const std::string& name : report.texts("kernel")) {
    if (name != "all") {
      out.push_back(&tw_gemm_kernels().find(name, "--kernel"));
      continue;
    }
    for (const TwKernel& k : tw_gemm_kernels().kernels()) {
      if (tw_gemm_kernels().runs_here(k)) out.push_back(&k);
    }
  }
  if (out.empty()) out.push_back(&tw_kernel());
  return out;
}

void run_case(BenchReport& report, KernelBench& bench, const TwKernel& kernel) {
  const KernelCase& c = bench.shape();
  const std::string isa(to_string(kernel.isa));
  Comparison vs_onednn = bench.against_onednn(report.options());
  vs_onednn.extra["isa"] = isa;
  report.add(vs_onednn);
  std::printf("  %zux%zu M=%zu s=%.2f threads=%d %s: %.0f%% of the ideal %.1fx over oneDNN\n", c.n,
              c.k, c.m, c.sparsity, c.threads, kernel.name.c_str(),
              100.0 * vs_onednn.ratio.median * (1.0 - c.sparsity), 1.0 / (1.0 - c.sparsity));
  // OpenBLAS (Debian's pthread build) and Eigen's sparse-dense product are compared on one thread:
  // OpenBLAS's own thread pool contends with OpenMP's (2-thread ratios ranged 0.5-51x between
  // cases), and Eigen's product is single-threaded.
  if (c.threads != 1) return;
  openblas_set_num_threads(1);
  const auto index = [](std::size_t x) { return static_cast<Eigen::Index>(x); };
  AlignedBuffer<float> c_peer(c.m * c.n);
  const auto openblas = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(c.m),
                static_cast<int>(c.n), static_cast<int>(c.k), 1.0f, bench.a().data(),
                static_cast<int>(c.k), bench.dense_weights().data(), static_cast<int>(c.n), 0.0f,
                c_peer.data(), static_cast<int>(c.n));
  };
  const Eigen::SparseMatrix<float, Eigen::RowMajor> csr =
      Eigen::Map<const RowMajor>(bench.masked_weights().data(), index(c.k), index(c.n))
          .sparseView();
  const Eigen::Map<const RowMajor> a_map(bench.a().data(), index(c.m), index(c.k));
  Eigen::Map<RowMajor> c_map(c_peer.data(), index(c.m), index(c.n));
  const auto eigen_csr = [&] { c_map.noalias() = a_map * csr; };

  BenchOptions options = bench.options(report.options());
  options.extra["isa"] = isa;
  options.check_b = [&] {
    openblas();
    return close_to(c_peer.span(), bench.dense_product());
  };
  report.add(compare_ab(
      "tw_gemm", [&] { bench.run_tw(); }, "openblas_sgemm_dense", openblas, options));
  options.check_b = [&] {
    eigen_csr();
    return close_to(c_peer.span(), bench.masked_product());
  };
  report.add(compare_ab(
      "tw_gemm", [&] { bench.run_tw(); }, "eigen_csr_spmm", eigen_csr, options));
}

}  // namespace
}  // namespace tessera::tilewise

int main(int argc, char** argv) {
  using namespace tessera::tilewise;
  try {
    tessera::BenchReport report("TW-GEMM vs oneDNN and OpenBLAS dense sgemm and Eigen CSR SpMM");
    report.text_option("kernel",
                       "TW-GEMM record to run (repeatable; 'all': every one this CPU runs); "
                       "default: the preferred");
    report.sweep_option("m", "Tokens (rows of A)", "128,512,2048");
    report.sweep_option("sparsity", "Tile-wise sparsities", "0.5,0.75,0.9,0.95");
    report.sweep_option("thread-sweep", "Thread counts, one pass over the cases each", "1,2");
    report.parse(argc, argv);
    const std::vector<const TwKernel*> kernels = chosen_kernels(report);
    for (const TwKernel& k : tw_gemm_kernels().kernels()) {
      bool runs = false;
      for (const TwKernel* chosen : kernels) runs |= chosen == &k;
      std::printf("# %s %s (%s): %s%s\n", std::string(tw_gemm_kernels().operation()).c_str(),
                  k.name.c_str(), std::string(to_string(k.isa)).c_str(), k.description.c_str(),
                  runs ? ", benchmarked" : (tw_gemm_kernels().runs_here(k) ? "" : ", not here"));
    }
    for (std::size_t threads : report.size_sweep("thread-sweep")) {
      for (const Shape shape : kShapes) {
        for (std::size_t m : report.size_sweep("m")) {
          for (double s : report.sweep("sparsity")) {
            for (const TwKernel* kernel : kernels) {
              KernelBench bench(
                  {shape.n, shape.k, m, kDefaultTileWidth, s, static_cast<int>(threads), 1},
                  *kernel);
              run_case(report, bench, *kernel);
            }
          }
        }
      }
    }
  } catch (const tessera::Error& e) {
    std::fprintf(stderr, "tw_gemm_bench: %s\n", e.what());
    return static_cast<int>(e.exit_code());
  }
  return 0;
}
