// SpGEMM (kernels.hpp). The level-generic record iterates B once into row buckets (the row access
// a product needs, whatever B's format), expands every product a_ik·b_kj in the order of A's
// entries and assembles them in the result's format, summing products that meet in their order
// of appearance (expand, sort, compress). The CSR record is Gustavson's row-by-row product with a
// dense accumulator per thread; it sums in the same order, so both give the same bits.
#include <fmt/format.h>

#include <algorithm>

#include "csr_builder.hpp"
#include "kernel_checks.hpp"
#include "layouts.hpp"
#include "tessera/core/isa_family.hpp"
#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/kernels.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse {
namespace {

// Calls f(T{}) for a numeric value type and f(nullptr) for pattern.
template <class F>
void with_entry_type(ValueType type, F&& f) {
  if (type == ValueType::kPattern) {
    f(nullptr);
  } else {
    detail::with_value_type(type, f);
  }
}

void spgemm_levels(const SparseProblem& p) {
  const SparseTensor& a = *p.a;
  const SparseTensor& b = *p.b;
  // B's entries by row: column and value position, in B's storage order within a row.
  std::vector<std::uint64_t> start(std::size_t{b.dims[0]} + 1, 0);
  for_each_entry(b, [&](const std::uint32_t* x, std::uint64_t) { ++start[x[0] + 1]; });
  for (std::size_t r = 1; r < start.size(); ++r) start[r] += start[r - 1];
  std::vector<std::uint32_t> b_col(start.back());
  std::vector<std::uint64_t> b_at(start.back());
  {
    std::vector<std::uint64_t> next(start.begin(), start.end() - 1);
    for_each_entry(b, [&](const std::uint32_t* x, std::uint64_t at) {
      const std::uint64_t q = next[x[0]]++;
      b_col[q] = x[1];
      b_at[q] = at;
    });
  }
  std::vector<std::vector<std::uint32_t>> coords(2);
  std::vector<std::byte> values;
  with_entry_type(a.value_type, [&](auto zero) {
    using T = decltype(zero);
    for_each_entry(a, [&](const std::uint32_t* x, std::uint64_t at) {
      for (std::uint64_t q = start[x[1]]; q < start[x[1] + 1]; ++q) {
        coords[0].push_back(x[0]);
        coords[1].push_back(b_col[q]);
        if constexpr (!std::is_same_v<T, std::nullptr_t>) {
          const T v = detail::value_at<T>(a, at) * detail::value_at<T>(b, b_at[q]);
          const auto* bytes = reinterpret_cast<const std::byte*>(&v);
          values.insert(values.end(), bytes, bytes + sizeof v);
        }
      }
    });
  });
  const SparseTensor products = make_coo({a.dims[0], b.dims[1]}, a.value_type, std::move(coords),
                                         std::move(values), "spgemm");
  *p.c = convert(products, *p.format);
}

// Work per row of A for balancing threads: the products it expands.
std::vector<std::uint32_t> product_offsets(const SparseTensor& a, const SparseTensor& b) {
  const auto& ap = a.levels[1].pos;
  const auto& ac = a.levels[1].crd;
  const auto& bp = b.levels[1].pos;
  std::vector<std::uint32_t> work(ap.size(), 0);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i + 1 < ap.size(); ++i) {
    for (std::uint32_t k = ap[i]; k < ap[i + 1]; ++k) total += bp[ac[k] + 1] - bp[ac[k]];
    work[i + 1] = static_cast<std::uint32_t>(std::min<std::uint64_t>(total, 0xFFFFFFFFu));
  }
  return work;
}

void spgemm_csr(const SparseProblem& p) {
  const SparseTensor& a = *p.a;
  const SparseTensor& b = *p.b;
  const std::uint32_t n = b.dims[1];
  with_entry_type(a.value_type, [&](auto zero) {
    using T = decltype(zero);
    constexpr bool kValues = !std::is_same_v<T, std::nullptr_t>;
    const auto& ap = a.levels[1].pos;
    const auto& ac = a.levels[1].crd;
    const auto& bp = b.levels[1].pos;
    const auto& bc = b.levels[1].crd;
    struct Accumulator {
      std::vector<std::conditional_t<kValues, T, char>> sum;
      std::vector<char> used;
      std::vector<std::uint32_t> touched;
    };
    const auto row = [&](std::uint32_t i, detail::CsrPiece& piece, Accumulator& acc) {
      if (acc.used.size() != n) {
        acc.used.assign(n, 0);
        acc.sum.resize(n);
      }
      for (std::uint32_t k = ap[i]; k < ap[i + 1]; ++k) {
        const std::uint32_t r = ac[k];
        for (std::uint32_t q = bp[r]; q < bp[r + 1]; ++q) {
          const std::uint32_t j = bc[q];
          if (!acc.used[j]) {
            acc.used[j] = 1;
            acc.touched.push_back(j);
            if constexpr (kValues) acc.sum[j] = detail::value_at<T>(a, k) * detail::value_at<T>(b, q);
          } else if constexpr (kValues) {
            acc.sum[j] += detail::value_at<T>(a, k) * detail::value_at<T>(b, q);
          }
        }
      }
      std::sort(acc.touched.begin(), acc.touched.end());
      for (std::uint32_t j : acc.touched) {
        piece.crd.push_back(j);
        if constexpr (kValues) detail::push_value(piece, acc.sum[j]);
        acc.used[j] = 0;
      }
      acc.touched.clear();
    };
    *p.c = detail::build_csr_rows<Accumulator>(a.dims[0], n, *p.format, a.value_type,
                                                product_offsets(a, b), row);
  });
}

bool csr_operands(const SparseProblem& p) {
  return detail::compressed_outer(p.a->format) == 0 && detail::compressed_outer(p.b->format) == 0 &&
         detail::compressed_outer(*p.format) == 0;
}

}  // namespace

const KernelRegistry<SparseProblem>& spgemm_kernels() {
  static KernelRegistry<SparseProblem> registry("sparse.spgemm",
                                                "C = A·B, all sparse, any formats");
  static const bool filled = [] {
    registry.add(cpu_kernel("levels", IsaLevel::kScalar,
                            "reference: B in row buckets, products expanded in A's order, "
                            "assembled in C's format",
                            &spgemm_levels));
    Kernel<SparseProblem> csr = cpu_kernel(
        "csr", IsaLevel::kScalar, "Gustavson, CSR x CSR -> CSR, dense accumulator per thread",
        &spgemm_csr);
    csr.can_run = csr_operands;
    registry.add(std::move(csr));
    return true;
  }();
  static_cast<void>(filled);
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links the kernels lists them.
const auto& kSpgemmKernels = spgemm_kernels();
}  // namespace

SparseTensor spgemm(const SparseTensor& a, const SparseTensor& b, const FormatSpec& format) {
  if (a.order() != 2 || b.order() != 2 || format.order() != 2) {
    throw Error("spgemm", "A, B and the result's format are matrices (order 2)");
  }
  if (a.dims[1] != b.dims[0] || a.value_type != b.value_type) {
    throw Error("spgemm", fmt::format("A is {}x{} {} and B {}x{} {}: A's columns must be B's rows "
                                      "and the value types equal",
                                      a.dims[0], a.dims[1], to_string(a.value_type), b.dims[0],
                                      b.dims[1], to_string(b.value_type)));
  }
  check_format(format, format.name);
  SparseTensor c;
  spgemm_kernels().run(SparseProblem{&a, &b, &format, &c});
  return c;
}

}  // namespace tessera::sparse
