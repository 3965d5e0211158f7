// Per-format timing (format_timing.hpp), with the benchmark harness's measure().
#include "tessera/sparse/format_timing.hpp"

#include "kernel_checks.hpp"
#include "tessera/bench/bench.hpp"
#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/kernels.hpp"
#include "tessera/sparse/storage.hpp"

namespace tessera::sparse {

std::vector<FormatTiming> time_formats(const SparseTensor& matrix, const std::vector<FormatSpec>& formats,
                                       std::uint32_t columns, double seconds, std::uint64_t max_bytes) {
  const FormatSpec csr = parse_format("csr", 2);
  BenchOptions options;
  options.budget_seconds = seconds;
  options.min_repetitions = 3;
  std::vector<FormatTiming> out;
  // A pattern matrix multiplies f64 vectors.
  const ValueType vectors = matrix.value_type == ValueType::kPattern ? ValueType::kF64 : matrix.value_type;
  detail::with_value_type(vectors, [&](auto zero) {
    using T = decltype(zero);
    const std::size_t rows = matrix.dims[0], cols = matrix.dims[1];
    std::vector<T> x(cols * columns, T(0.5)), y(rows * columns);
    for (const FormatSpec& f : formats) {
      SparseTensor a;
      try {
        a = convert(matrix, f, {.max_bytes = max_bytes});
      } catch (const Error&) {
        continue;  // too large in this format
      }
      const auto kernel = [&] {
        if (columns == 1) {
          spmv<T>(a, x, y);
        } else {
          spmm<T>(a, View<const T, 2>(x.data(), {cols, columns}), View<T, 2>(y.data(), {rows, columns}));
        }
      };
      FormatTiming t{.format = f, .storage_bytes = storage_bytes(a).total()};
      t.kernel_seconds = measure(f.name, kernel, options).summary.median;
      if (!f.same_layout(csr)) {
        t.to_csr_seconds = measure(f.name + " to csr", [&] { convert(a, csr); }, options).summary.median;
      }
      out.push_back(std::move(t));
    }
  });
  return out;
}

}  // namespace tessera::sparse
