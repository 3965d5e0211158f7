// SpMV (kernels.hpp): the level-generic record accumulates y[i] += a·x[j] over the entries in
// storage order; the CSR record computes each row's dot product with two accumulators (even and
// odd nonzeros: half the chain of dependent additions, and on short rows of random length fewer
// mispredicted loop exits than four) over nonzero-balanced row ranges on every thread.
#include <fmt/format.h>

#include <algorithm>

#include "kernel_checks.hpp"
#include "layouts.hpp"
#include "row_split.hpp"
#include "tessera/core/isa_family.hpp"
#include "tessera/sparse/kernels.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse {
namespace {

void spmv_levels(const SpmvProblem& p) {
  detail::with_value_type(p.type, [&](auto zero) {
    using T = decltype(zero);
    const SparseTensor& a = *p.a;
    const T* x = static_cast<const T*>(p.x);
    T* y = static_cast<T*>(p.y);
    std::fill(y, y + a.dims[0], T{});
    for_each_entry(a, [&](const std::uint32_t* c, std::uint64_t at) {
      y[c[0]] += detail::value_at<T>(a, at) * x[c[1]];
    });
  });
}

template <class T, bool kPattern>
void csr_rows(const SparseTensor& a, const T* x, T* y, std::uint32_t first, std::uint32_t end) {
  const std::uint32_t* pos = a.levels[1].pos.data();
  const std::uint32_t* crd = a.levels[1].crd.data();
  const T* v = reinterpret_cast<const T*>(a.values.data());
  const auto term = [&](std::uint32_t k) {
    if constexpr (kPattern) {
      return x[crd[k]];
    } else {
      return v[k] * x[crd[k]];
    }
  };
  for (std::uint32_t i = first; i < end; ++i) {
    std::uint32_t k = pos[i];
    const std::uint32_t e = pos[i + 1];
    T even{}, odd{};
    for (; k + 2 <= e; k += 2) {
      even += term(k);
      odd += term(k + 1);
    }
    if (k < e) even += term(k);
    y[i] = even + odd;
  }
}

void spmv_csr(const SpmvProblem& p) {
  detail::with_value_type(p.type, [&](auto zero) {
    using T = decltype(zero);
    const SparseTensor& a = *p.a;
    const T* x = static_cast<const T*>(p.x);
    T* y = static_cast<T*>(p.y);
    const bool pattern = a.value_type == ValueType::kPattern;
    detail::for_row_ranges(a.levels[1].pos, 1, [&](std::uint32_t first, std::uint32_t end) {
      if (pattern) {
        csr_rows<T, true>(a, x, y, first, end);
      } else {
        csr_rows<T, false>(a, x, y, first, end);
      }
    });
  });
}

}  // namespace

const KernelRegistry<SpmvProblem>& spmv_kernels() {
  static KernelRegistry<SpmvProblem> registry("sparse.spmv", "y = A·x, A sparse in any format");
  static const bool filled = [] {
    registry.add(cpu_kernel(
        "levels", IsaLevel::kScalar,
        "reference: y[i] += a·x[j] over A's entries in storage order, any format", &spmv_levels));
    Kernel<SpmvProblem> csr = cpu_kernel(
        "csr", IsaLevel::kScalar,
        "CSR rows, two accumulators per row, rows split over threads by nonzeros", &spmv_csr);
    csr.can_run = [](const SpmvProblem& p) { return detail::compressed_outer(p.a->format) == 0; };
    registry.add(std::move(csr));
    return true;
  }();
  static_cast<void>(filled);
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links the kernels lists them.
const auto& kSpmvKernels = spmv_kernels();
}  // namespace

template <class T>
void spmv(const SparseTensor& a, std::span<const T> x, std::span<T> y) {
  const ValueType type = detail::value_type_of<T>();
  detail::check_matrix_operand(a, type, "spmv");
  if (x.size() != a.dims[1] || y.size() != a.dims[0]) {
    throw Error("spmv", fmt::format("A is {}x{}; x has {} values and y {}", a.dims[0], a.dims[1],
                                    x.size(), y.size()));
  }
  spmv_kernels().run(SpmvProblem{&a, type, x.data(), y.data()});
}

template void spmv<float>(const SparseTensor&, std::span<const float>, std::span<float>);
template void spmv<double>(const SparseTensor&, std::span<const double>, std::span<double>);
template void spmv<Complex>(const SparseTensor&, std::span<const Complex>, std::span<Complex>);

}  // namespace tessera::sparse
