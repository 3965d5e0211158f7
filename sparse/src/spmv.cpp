// SpMV (kernels.hpp): the level-generic record accumulates y[i] += a·x[j] over the entries in
// storage order; the CSR records compute each row's dot product over nonzero-balanced row ranges on
// every thread, with two accumulators, and in the vector builds a row of kLongRow nonzeros or more
// in vector lanes (spmv_long_rows.inc, built per instruction set). Sums in lanes round differently
// from sums in two accumulators: the records agree to rounding, and each gives the same bytes
// whatever the thread count.
#include <fmt/format.h>
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "kernel_checks.hpp"
#include "layouts.hpp"
#include "row_split.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/isa_family.hpp"
#include "tessera/core/isa_region.hpp"
#include "tessera/sparse/kernels.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse {
namespace {

// Nonzeros from which a row goes to LongRows::rows (below, the lanes' reduction costs more than
// the gathers save).
constexpr std::uint32_t kLongRow = 16;

template <class T, bool kPattern>
T term_at(const std::uint32_t* crd, const T* v, const T* x, std::uint32_t k) {
  if constexpr (kPattern) {
    return x[crd[k]];
  } else {
    return v[k] * x[crd[k]];
  }
}

// Row [k, e) with two accumulators, even and odd nonzeros: half the chain of dependent additions,
// and on short rows of random length fewer mispredicted loop exits than four.
template <class T, bool kPattern>
[[gnu::always_inline]] inline T short_row_dot(const std::uint32_t* crd, const T* v, const T* x,
                                              std::uint32_t k, std::uint32_t e) {
  T even{}, odd{};
  for (; k + 2 <= e; k += 2) {
    even += term_at<T, kPattern>(crd, v, x, k);
    odd += term_at<T, kPattern>(crd, v, x, k + 1);
  }
  if (k < e) even += term_at<T, kPattern>(crd, v, x, k);
  return even + odd;
}

#define TESSERA_ISA_FAMILY_SOURCE "spmv_long_rows.inc"
#include "tessera/core/isa_family.inc"

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

// Rows [first, end) of CSR matrix a, runs of long rows through LongRows (`gather` as there).
template <class LongRows, class T, bool kPattern>
void csr_rows(const SparseTensor& a, const T* x, T* y, std::uint32_t first, std::uint32_t end,
              bool gather) {
  const std::uint32_t* pos = a.levels[1].pos.data();
  const std::uint32_t* crd = a.levels[1].crd.data();
  const T* v = reinterpret_cast<const T*>(a.values.data());
  for (std::uint32_t i = first; i < end;) {
    const std::uint32_t k = pos[i], e = pos[i + 1];
    if (e - k >= kLongRow) {
      i = LongRows::template rows<T, kPattern>(pos, crd, v, x, y, i, end, gather);
      continue;
    }
    y[i++] = short_row_dot<T, kPattern>(crd, v, x, k, e);
  }
}

template <class LongRows>
void spmv_csr(const SpmvProblem& p) {
  detail::with_value_type(p.type, [&](auto zero) {
    using T = decltype(zero);
    const SparseTensor& a = *p.a;
    const T* x = static_cast<const T*>(p.x);
    T* y = static_cast<T*>(p.y);
    const bool pattern = a.value_type == ValueType::kPattern;
    static const bool gathers_slowed = gathers_slowed_by_microcode();
    const bool gather = a.dims[1] <= std::uint32_t{INT32_MAX} && !gathers_slowed;
    detail::for_row_ranges(a.levels[1].pos, 1, [&](std::uint32_t first, std::uint32_t end) {
      if (pattern) {
        csr_rows<LongRows, T, true>(a, x, y, first, end, gather);
      } else {
        csr_rows<LongRows, T, false>(a, x, y, first, end, gather);
      }
    });
  });
}

Kernel<SpmvProblem> csr_record(std::string name, IsaLevel isa, void (*run)(const SpmvProblem&)) {
  Kernel<SpmvProblem> k = cpu_kernel(std::move(name), isa,
                                     "CSR rows, two accumulators per row (vector lanes on rows of "
                                     "16+ nonzeros in vector builds), rows split over threads by "
                                     "nonzeros",
                                     run);
  k.can_run = [](const SpmvProblem& p) { return detail::compressed_outer(p.a->format) == 0; };
  return k;
}

}  // namespace

const KernelRegistry<SpmvProblem>& spmv_kernels() {
  static KernelRegistry<SpmvProblem> registry("sparse.spmv", "y = A·x, A sparse in any format");
  static const bool filled = [] {
    registry.add(cpu_kernel(
        "levels", IsaLevel::kScalar,
        "reference: y[i] += a·x[j] over A's entries in storage order, any format", &spmv_levels));
    registry.add(csr_record("csr", IsaLevel::kScalar, &spmv_csr<baseline::LongRows>))
        .add(csr_record("csr-avx2", IsaLevel::kAvx2, &spmv_csr<avx2::LongRows>))
        .add(csr_record("csr-avx512", IsaLevel::kAvx512, &spmv_csr<avx512::LongRows>));
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
