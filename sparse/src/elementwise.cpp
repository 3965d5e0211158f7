// Element-wise add (union) and multiply (intersection) (kernels.hpp). The level-generic records
// bring both operands to canonical COO by conversion (iteration and assembly, any format, any
// order), merge the two sorted entry lists and assemble the result in its format; the CSR records
// merge row by row on every thread.
#include <fmt/format.h>

#include <algorithm>

#include "csr_builder.hpp"
#include "kernel_checks.hpp"
#include "layouts.hpp"
#include "tessera/core/isa_family.hpp"
#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/kernels.hpp"
#include "value_ops.hpp"

namespace tessera::sparse {
namespace {

enum class Merge { kUnion, kIntersection };

// The merged value of entries that both operands hold.
void combine(Merge merge, ValueType type, std::byte* into, const std::byte* a, const std::byte* b,
             std::size_t size) {
  if (size == 0) return;  // pattern: no values to merge
  if (merge == Merge::kUnion) {
    std::memcpy(into, a, size);
    detail::add_value(type, into, b);
  } else {
    detail::multiply_value(type, into, a, b);
  }
}

template <Merge kMerge>
void merge_levels(const SparseProblem& p) {
  const FormatSpec coo_format = parse_format("coo", p.a->order());
  const SparseTensor a = convert(*p.a, coo_format);
  const SparseTensor b = convert(*p.b, coo_format);
  const std::size_t order = a.order();
  const std::size_t size = value_bytes(a.value_type, false);
  const auto coordinate = [&](const SparseTensor& t, std::size_t d, std::size_t k) { return t.levels[d].crd[k]; };
  // -1, 0, 1 as entry i of A is before, at or after entry j of B.
  const auto compare = [&](std::size_t i, std::size_t j) {
    for (std::size_t d = 0; d < order; ++d) {
      const std::uint32_t x = coordinate(a, d, i), y = coordinate(b, d, j);
      if (x != y) return x < y ? -1 : 1;
    }
    return 0;
  };
  std::vector<std::vector<std::uint32_t>> coords(order);
  std::vector<std::byte> values;
  const auto emit = [&](const SparseTensor& t, std::size_t k, const std::byte* value) {
    for (std::size_t d = 0; d < order; ++d) coords[d].push_back(coordinate(t, d, k));
    values.insert(values.end(), value, value + size);
  };
  std::vector<std::byte> both(std::max<std::size_t>(size, 1));
  const std::size_t na = a.levels[0].size, nb = b.levels[0].size;
  std::size_t i = 0, j = 0;
  while (i < na || j < nb) {
    const int c = i == na ? 1 : j == nb ? -1 : compare(i, j);
    if (c == 0) {
      combine(kMerge, a.value_type, both.data(), a.values.data() + i * size, b.values.data() + j * size, size);
      emit(a, i, both.data());
      ++i, ++j;
    } else if (c < 0) {
      if (kMerge == Merge::kUnion) emit(a, i, a.values.data() + i * size);
      ++i;
    } else {
      if (kMerge == Merge::kUnion) emit(b, j, b.values.data() + j * size);
      ++j;
    }
  }
  const SparseTensor merged = make_coo(a.dims, a.value_type, std::move(coords), std::move(values),
                                       kMerge == Merge::kUnion ? "add" : "multiply");
  *p.c = convert(merged, *p.format);
}

template <Merge kMerge>
void merge_csr(const SparseProblem& p) {
  const SparseTensor& a = *p.a;
  const SparseTensor& b = *p.b;
  const std::size_t size = value_bytes(a.value_type, false);
  const auto& ap = a.levels[1].pos;
  const auto& ac = a.levels[1].crd;
  const auto& bp = b.levels[1].pos;
  const auto& bc = b.levels[1].crd;
  std::vector<std::uint32_t> work(ap.size());
  for (std::size_t r = 0; r < ap.size(); ++r) work[r] = ap[r] + bp[r];
  struct NoScratch {};
  const auto row = [&](std::uint32_t r, detail::CsrPiece& piece, NoScratch&) {
    const auto emit = [&](std::uint32_t col, const std::byte* value) {
      piece.crd.push_back(col);
      piece.values.insert(piece.values.end(), value, value + size);
    };
    std::byte both[16];
    std::uint32_t i = ap[r], j = bp[r];
    while (i < ap[r + 1] || j < bp[r + 1]) {
      const bool take_a = j == bp[r + 1] || (i < ap[r + 1] && ac[i] < bc[j]);
      const bool take_b = i == ap[r + 1] || (j < bp[r + 1] && bc[j] < ac[i]);
      if (!take_a && !take_b) {
        combine(kMerge, a.value_type, both, a.values.data() + std::size_t{i} * size,
                b.values.data() + std::size_t{j} * size, size);
        emit(ac[i], both);
        ++i, ++j;
      } else if (take_a) {
        if (kMerge == Merge::kUnion) emit(ac[i], a.values.data() + std::size_t{i} * size);
        ++i;
      } else {
        if (kMerge == Merge::kUnion) emit(bc[j], b.values.data() + std::size_t{j} * size);
        ++j;
      }
    }
  };
  *p.c = detail::build_csr_rows<NoScratch>(a.dims[0], a.dims[1], *p.format, a.value_type, work, row);
}

bool csr_operands(const SparseProblem& p) {
  return detail::compressed_outer(p.a->format) == 0 && detail::compressed_outer(p.b->format) == 0 &&
         detail::compressed_outer(*p.format) == 0;
}

template <Merge kMerge>
void fill(KernelRegistry<SparseProblem>& registry, const char* what) {
  registry.add(cpu_kernel("levels", IsaLevel::kScalar,
                          fmt::format("reference: both as canonical COO, merged ({}), assembled in "
                                      "C's format",
                                      what),
                          &merge_levels<kMerge>));
  Kernel<SparseProblem> csr = cpu_kernel("csr", IsaLevel::kScalar,
                                         "CSR rows merged by two cursors, rows over threads",
                                         &merge_csr<kMerge>);
  csr.can_run = csr_operands;
  registry.add(std::move(csr));
}

SparseTensor run_merge(const KernelRegistry<SparseProblem>& registry, const char* name,
                       const SparseTensor& a, const SparseTensor& b, const FormatSpec& format) {
  if (a.dims != b.dims || a.value_type != b.value_type || format.order() != a.order()) {
    throw Error(name, fmt::format("A is {} {} and B {} {}, the result's format of order {}: "
                                  "dimensions, value types and orders must agree",
                                  fmt::join(a.dims, "x"), to_string(a.value_type),
                                  fmt::join(b.dims, "x"), to_string(b.value_type), format.order()));
  }
  check_format(format, format.name);
  SparseTensor c;
  registry.run(SparseProblem{&a, &b, &format, &c});
  return c;
}

}  // namespace

const KernelRegistry<SparseProblem>& add_kernels() {
  static KernelRegistry<SparseProblem> registry("sparse.add", "C = A + B (union), any formats");
  static const bool filled = (fill<Merge::kUnion>(registry, "union"), true);
  static_cast<void>(filled);
  return registry;
}

const KernelRegistry<SparseProblem>& multiply_kernels() {
  static KernelRegistry<SparseProblem> registry("sparse.multiply",
                                                "C = A ⊙ B (intersection), any formats");
  static const bool filled = (fill<Merge::kIntersection>(registry, "intersection"), true);
  static_cast<void>(filled);
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links the kernels lists them.
const auto& kAddKernels = add_kernels();
const auto& kMultiplyKernels = multiply_kernels();
}  // namespace

SparseTensor add(const SparseTensor& a, const SparseTensor& b, const FormatSpec& format) {
  return run_merge(add_kernels(), "add", a, b, format);
}

SparseTensor multiply(const SparseTensor& a, const SparseTensor& b, const FormatSpec& format) {
  return run_merge(multiply_kernels(), "multiply", a, b, format);
}

}  // namespace tessera::sparse
