// SpMM (kernels.hpp): the level-generic record adds a·B[j, :] to C[i, :] for each entry in storage
// order; the CSR records (spmm_csr.inc, built per instruction set) keep blocks of C's row in
// registers over nonzero-balanced row ranges on every thread.
#include <fmt/format.h>

#include <algorithm>

#include "kernel_checks.hpp"
#include "layouts.hpp"
#include "row_split.hpp"
#include "tessera/core/isa_family.hpp"
#include "tessera/core/isa_region.hpp"
#include "tessera/sparse/kernels.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse {
namespace {

#define TESSERA_ISA_FAMILY_SOURCE "spmm_csr.inc"
#include "tessera/core/isa_family.inc"

void spmm_levels(const SpmmProblem& p) {
  detail::with_value_type(p.type, [&](auto zero) {
    using T = decltype(zero);
    const SparseTensor& a = *p.a;
    const T* b = static_cast<const T*>(p.b);
    T* c = static_cast<T*>(p.c);
    for (std::size_t i = 0; i < a.dims[0]; ++i) std::fill(c + i * p.ldc, c + i * p.ldc + p.columns, T{});
    for_each_entry(a, [&](const std::uint32_t* x, std::uint64_t at) {
      const T s = detail::value_at<T>(a, at);
      const T* row = b + std::size_t{x[1]} * p.ldb;
      T* out = c + std::size_t{x[0]} * p.ldc;
      for (std::size_t w = 0; w < p.columns; ++w) out[w] += s * row[w];
    });
  });
}

Kernel<SpmmProblem> csr_record(std::string name, IsaLevel isa, void (*run)(const SpmmProblem&)) {
  Kernel<SpmmProblem> k = cpu_kernel(std::move(name), isa,
                                     "CSR rows, 256-byte blocks of C's row in registers, rows split "
                                     "over threads by nonzeros",
                                     run);
  k.can_run = [](const SpmmProblem& p) { return detail::compressed_outer(p.a->format) == 0; };
  return k;
}

}  // namespace

const KernelRegistry<SpmmProblem>& spmm_kernels() {
  static KernelRegistry<SpmmProblem> registry("sparse.spmm", "C = A·B, A sparse in any format, B dense");
  static const bool filled = [] {
    registry.add(cpu_kernel("levels", IsaLevel::kScalar,
                            "reference: C[i,:] += a·B[j,:] over A's entries in storage order, any format",
                            &spmm_levels));
    registry.add(csr_record("csr", IsaLevel::kScalar, &baseline::run_spmm_csr))
        .add(csr_record("csr-avx2", IsaLevel::kAvx2, &avx2::run_spmm_csr))
        .add(csr_record("csr-avx512", IsaLevel::kAvx512, &avx512::run_spmm_csr));
    return true;
  }();
  static_cast<void>(filled);
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links the kernels lists them.
const auto& kSpmmKernels = spmm_kernels();
}  // namespace

template <class T>
void spmm(const SparseTensor& a, View<const T, 2> b, View<T, 2> c) {
  const ValueType type = detail::value_type_of<T>();
  detail::check_matrix_operand(a, type, "spmm");
  if (b.extent(0) != a.dims[1] || c.extent(0) != a.dims[0] || b.extent(1) != c.extent(1) ||
      (b.extent(1) > 1 && (b.stride(1) != 1 || c.stride(1) != 1))) {
    throw Error("spmm", fmt::format("A is {}x{}, B {}x{} and C {}x{} (row-major, unit column stride)",
                                    a.dims[0], a.dims[1], b.extent(0), b.extent(1), c.extent(0),
                                    c.extent(1)));
  }
  spmm_kernels().run(SpmmProblem{&a, type, b.data(), b.stride(0), c.data(), c.stride(0), b.extent(1)});
}

template void spmm<float>(const SparseTensor&, View<const float, 2>, View<float, 2>);
template void spmm<double>(const SparseTensor&, View<const double, 2>, View<double, 2>);
template void spmm<Complex>(const SparseTensor&, View<const Complex, 2>, View<Complex, 2>);

}  // namespace tessera::sparse
