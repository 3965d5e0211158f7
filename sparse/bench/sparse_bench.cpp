// tessera::sparse against Eigen 3.4 and SuiteSparse:GraphBLAS, single-threaded, on the real
// matrices of the manifest (set "real") and generated ones: SpMV and SpMM(64) in CSR, the CSR ->
// CSC and COO -> CSR conversions (nonzeros per second beside the ratios), and on the generated
// large matrices the two-thread over one-thread speedup, with SpMV's bytes per second beside the
// machine's streaming read rate. Ratios are peer time / tessera time (> 1: tessera faster); every
// result is checked against the peer's first. Real files are f64 (pattern files as ones, the
// complex file by its real part). Formats against each other and the advisor: `tessera sparse
// bench`. --npz-dir saves the generated matrices for scipy_peer.py.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "peers.hpp"
#include "tessera/bench/bench_report.hpp"
#include "tessera/core/cache_sizes.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/data_manifest.hpp"
#include "tessera/sparse/generate.hpp"
#include "tessera/sparse/kernels.hpp"
#include "tessera/sparse/matrix_market.hpp"
#include "tessera/sparse/scipy_npz.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse {
namespace {

struct BenchMatrix {
  std::string name;
  SparseTensor coo;  // f64, entries in the file's (or generator's) order
  bool large = false;
};

// `t` as f64 COO in its own entry order: pattern as ones, complex by its real part.
SparseTensor as_f64(const SparseTensor& t) {
  std::vector<std::vector<std::uint32_t>> coords(2);
  std::vector<double> v;
  for_each_entry(t, [&](const std::uint32_t* x, std::uint64_t p) {
    coords[0].push_back(x[0]);
    coords[1].push_back(x[1]);
    switch (t.value_type) {
      case ValueType::kF64:
        v.push_back(t.values_as<double>()[p]);
        break;
      case ValueType::kF32:
        v.push_back(t.values_as<float>()[p]);
        break;
      case ValueType::kC128:
        v.push_back(t.values_as<Complex>()[p].real());
        break;
      case ValueType::kPattern:
        v.push_back(1.0);
        break;
    }
  });
  std::vector<std::byte> bytes(v.size() * 8);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return make_coo(t.dims, ValueType::kF64, std::move(coords), std::move(bytes), "bench");
}

std::vector<double> random_vector(std::size_t n, std::uint64_t seed) {
  const CounterRng rng(seed, 0);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = rng.uniform(i, -1, 1);
  return v;
}

bool close(const std::vector<double>& a, const std::vector<double>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(std::abs(a[i] - b[i]) <= 1e-9 * (1 + std::abs(b[i])))) return false;
  }
  return a.size() == b.size();
}

// Geometric means of the ratios against the faster peer, per operation.
class GeometricMeans {
 public:
  void add(const std::string& operation, double ratio_eigen, double ratio_graphblas) {
    logs_[operation].push_back(std::log(std::min(ratio_eigen, ratio_graphblas)));
  }
  void print() const {
    std::printf(
        "# geometric mean over the collection, against the faster of Eigen and GraphBLAS\n");
    for (const auto& [op, logs] : logs_) {
      double sum = 0;
      for (double l : logs) sum += l;
      std::printf("  %s: %.2fx over %zu matrices\n", op.c_str(), std::exp(sum / logs.size()),
                  logs.size());
    }
  }

 private:
  std::map<std::string, std::vector<double>> logs_;
};

void run_matrix(BenchReport& report, GeometricMeans& summary, const BenchMatrix& m) {
  const SparseTensor csr = convert(m.coo, parse_format("csr", 2));
  const std::size_t rows = csr.dims[0], cols = csr.dims[1], nnz = csr.levels[1].crd.size();
  std::printf("# %s: %zux%zu, %zu nonzeros\n", m.name.c_str(), rows, cols, nnz);
  const auto eigen = bench::eigen_peer(csr, m.coo);
  const auto graphblas = bench::graphblas_peer(csr, m.coo);
  const ThreadCountScope one_thread(1);
  BenchOptions options = report.options();
  options.extra = {{"matrix", m.name}, {"rows", rows}, {"cols", cols}, {"nnz", nnz}};

  const auto compare = [&](const std::string& op, const std::function<void()>& ours,
                           const std::function<void()>& theirs_eigen,
                           const std::function<void()>& theirs_graphblas, const Check& check) {
    BenchOptions o = options;
    o.extra["operation"] = op;
    o.check = check;
    const Comparison e = compare_ab("tessera " + op + " " + m.name, ours, "eigen", theirs_eigen, o);
    report.add(e);
    const Comparison g =
        compare_ab("tessera " + op + " " + m.name, ours, "graphblas", theirs_graphblas, o);
    report.add(g);
    summary.add(op, e.ratio.median, g.ratio.median);
    return e.a.median;
  };

  // SpMV and SpMM(64): each side checked against Eigen's result.
  const std::vector<double> x = random_vector(cols * 64, 1);
  std::vector<double> y(rows), y_peer(rows);
  eigen->spmv(x.data(), y_peer.data());
  const auto spmv_ours = [&] { spmv<double>(csr, std::span(x).first(cols), y); };
  compare(
      "spmv", spmv_ours, [&] { eigen->spmv(x.data(), y.data()); },
      [&] { graphblas->spmv(x.data(), y.data()); },
      [&] {
        spmv_ours();
        return close(y, y_peer);
      });

  std::vector<double> c(rows * 64), c_peer(rows * 64);
  eigen->spmm(x.data(), 64, c_peer.data());
  const auto spmm_ours = [&] {
    spmm<double>(csr, View<const double, 2>(x.data(), {cols, 64}),
                 View<double, 2>(c.data(), {rows, 64}));
  };
  compare(
      "spmm64", spmm_ours, [&] { eigen->spmm(x.data(), 64, c.data()); },
      [&] { graphblas->spmm(x.data(), 64, c.data()); },
      [&] {
        spmm_ours();
        return close(c, c_peer);
      });

  // Conversions, with nonzeros per second of ours.
  const FormatSpec csc = parse_format("csc", 2);
  const FormatSpec csr_format = parse_format("csr", 2);
  SparseTensor out;
  const double t_csc = compare(
      "csr-to-csc", [&] { out = convert(csr, csc); }, [&] { eigen->to_csc(); },
      [&] { graphblas->to_csc(); },
      [&] {
        out = convert(csr, csc);
        return out.levels[1].crd.size() == nnz;
      });
  const double t_coo = compare(
      "coo-to-csr", [&] { out = convert(m.coo, csr_format); }, [&] { eigen->from_triplets(); },
      [&] { graphblas->from_triplets(); },
      [&] {
        out = convert(m.coo, csr_format);
        return out == csr;
      });
  std::printf("  conversions: csr-to-csc %.0f M nonzeros/s, coo-to-csr %.0f M nonzeros/s\n",
              nnz / t_csc / 1e6, nnz / t_coo / 1e6);
  report.record({{"type", "conversion_rate"},
                 {"matrix", m.name},
                 {"csr_to_csc_mnnz_s", nnz / t_csc / 1e6},
                 {"coo_to_csr_mnnz_s", nnz / t_coo / 1e6}});

  // Each operation again, timed alone in a loop of its own as scipy_peer.py times scipy's: no
  // peer runs between two timed runs to take the caches.
  const auto alone = [&](const std::function<void()>& run) {
    return measure("tessera alone " + m.name, run, options).summary.median;
  };
  report.record({{"type", "alone_seconds"},
                 {"matrix", m.name},
                 {"csr->csc", alone([&] { const SparseTensor r = convert(csr, csc); })},
                 {"coo->csr", alone([&] { const SparseTensor r = convert(m.coo, csr_format); })},
                 {"spmv", alone(spmv_ours)},
                 {"spmm64", alone(spmm_ours)}});

  if (!m.large) return;
  // Two threads against one, ours only (same kernels, same results). A timed run is a batch of
  // products, as an iterative solver makes them, so that waking the second thread after the
  // one-thread side ran is paid once per batch, not once per product.
  constexpr int kBatch = 8;
  for (const auto& [op, run] : std::vector<std::pair<std::string, std::function<void()>>>{
           {"spmv", spmv_ours}, {"spmm64", spmm_ours}}) {
    const auto with = [&](int threads, const std::function<void()>& f) {
      return [threads, &f] {
        const ThreadCountScope scope(threads);
        for (int i = 0; i < kBatch; ++i) f();
      };
    };
    BenchOptions o = options;
    o.extra["operation"] = op + " threads";
    o.extra["batch"] = kBatch;
    o.min_repetitions = std::max(o.min_repetitions, 11);
    const Comparison scaling = compare_ab("tessera " + op + " 2 threads " + m.name, with(2, run),
                                          "tessera 1 thread", with(1, run), o);
    report.add(scaling);
    if (op == "spmv") {
      // Bytes SpMV must move (A's arrays, x and y once), against the streaming rate.
      const double bytes = kBatch * (12.0 * nnz + 4.0 * (rows + 1) + 8.0 * rows + 8.0 * cols);
      const double one = bytes / scaling.b.median / 1e9, two = bytes / scaling.a.median / 1e9;
      std::printf("  spmv moves %.1f GB/s on 1 thread, %.1f GB/s on 2\n", one, two);
      report.record({{"type", "spmv_bandwidth"},
                     {"matrix", m.name},
                     {"gb_s_1_thread", one},
                     {"gb_s_2_threads", two}});
    }
  }
}

// Streaming read bandwidth (sum of a buffer far past the last-level cache) on 1 and 2 threads:
// the roof of SpMV on the banded matrix, whose vector accesses stay in cache.
void stream_bandwidth(BenchReport& report) {
  const CacheSizes caches = detect_cache_sizes();
  const std::size_t bytes = std::max<std::size_t>(8 * std::max(caches.l3, caches.l2), 256u << 20);
  // Integers, whose sum the compiler may vectorise and reorder: the loop runs at the memory's rate.
  const std::vector<std::uint64_t> buffer(bytes / sizeof(std::uint64_t), 1);
  std::vector<std::uint64_t> partial(64);
  const auto sum = [&](int threads) {
    return [&, threads] {
      const ThreadCountScope scope(threads);
      parallel_for(buffer.size(), buffer.size() / 8, [&](std::size_t piece, Range r) {
        partial[piece] =
            std::accumulate(buffer.begin() + r.begin, buffer.begin() + r.end, std::uint64_t{0});
      });
    };
  };
  BenchOptions o = report.options();
  o.min_repetitions = 11;
  o.extra["operation"] = "stream read threads";
  const Comparison c =
      compare_ab("stream read 2 threads", sum(2), "stream read 1 thread", sum(1), o);
  report.add(c);
  std::printf("  stream read %.1f GB/s on 1 thread, %.1f GB/s on 2\n", bytes / c.b.median / 1e9,
              bytes / c.a.median / 1e9);
  report.record({{"type", "stream_bandwidth"},
                 {"gb_s_1_thread", bytes / c.b.median / 1e9},
                 {"gb_s_2_threads", bytes / c.a.median / 1e9}});
}

}  // namespace
}  // namespace tessera::sparse

int main(int argc, char** argv) {
  using namespace tessera;
  using namespace tessera::sparse;
  BenchReport report("tessera::sparse against Eigen and GraphBLAS (one thread)");
  report.text_option("matrix", "a manifest input to run (repeatable; default: the set real)");
  report.sweep_option("large-nnz", "nonzeros of the generated large matrices (0: none)", "10e6");
  report.text_option("npz-dir",
                     "a folder to save the generated matrices in, as <name>.npz in COO with "
                     "their entries in generation order, for scipy_peer.py");
  report.parse(argc, argv);
  std::vector<BenchMatrix> matrices;
  std::vector<DataInput> inputs;
  for (const std::string& id : report.texts("matrix")) inputs.push_back(data_manifest().input(id));
  if (report.texts("matrix").empty()) inputs = data_manifest().set("real");
  for (const DataInput& in : inputs) {
    if (!in.present) {
      std::printf("# skipped %s: %s\n", in.id.c_str(), in.missing_reason.c_str());
      continue;
    }
    matrices.push_back({in.id, as_f64(read_matrix_market(in.path))});
  }
  for (const double large : report.sweep("large-nnz")) {
    const auto n = static_cast<std::uint64_t>(large);
    if (n == 0) continue;
    const auto side = static_cast<std::uint32_t>(std::max<std::uint64_t>(n / 10, 1024));
    matrices.push_back({fmt::format("rmat-{}M", n / 1000000), generate_rmat(20, n, 1), true});
    matrices.push_back(
        {fmt::format("uniform-{}M", n / 1000000), generate_uniform(side, side, n, 2), true});
    matrices.push_back({fmt::format("banded-{}M", n / 1000000),
                        generate_banded(static_cast<std::uint32_t>(n / 11), 5, 3), true});
  }
  // Under `make bench` (scripts/bench.sh sets TESSERA_BENCH_RESULTS), the generated matrices go
  // beside the results for sparse/bench/after-bench.sh.
  std::vector<std::string> npz_dirs = report.texts("npz-dir");
  if (const char* results = std::getenv("TESSERA_BENCH_RESULTS"); results && npz_dirs.empty()) {
    npz_dirs.push_back(std::string(results) + "/sparse-npz");
  }
  for (const std::string& dir : npz_dirs) {
    std::filesystem::create_directories(dir);
    for (const BenchMatrix& m : matrices) {
      if (m.large) write_npz(m.coo, dir + "/" + m.name + ".npz");
    }
  }
  GeometricMeans summary;
  for (const BenchMatrix& m : matrices) run_matrix(report, summary, m);
  if (std::any_of(matrices.begin(), matrices.end(), [](const BenchMatrix& m) { return m.large; })) {
    stream_bandwidth(report);
  }
  summary.print();
  return 0;
}
