// The accelerator model (accelerator.hpp).
#include "tessera/sparse/accelerator.hpp"

#include <algorithm>

#include "tessera/sparse/storage.hpp"

namespace tessera::sparse {
namespace {

// Bytes of the dense operands: x (or B) in, y (or C) out.
double operand_bytes(const SparseTensor& t, const AcceleratorParameters& p) {
  const double value = t.value_type == ValueType::kPattern ? 8.0 : static_cast<double>(value_bytes(t.value_type, false));
  return (static_cast<double>(t.dims[0]) + t.dims[1]) * p.columns * value;
}

AcceleratorTime device_time(const SparseTensor& t, const AcceleratorParameters& p) {
  AcceleratorTime time;
  const double storage = static_cast<double>(storage_bytes(t).total());
  const double operands = operand_bytes(t, p);
  time.link = (storage + operands) / p.link_bytes_per_second;
  double cycles = 0;
  for (const auto& [kind, steps] : decode_steps(t)) cycles += static_cast<double>(steps) * p.decode_cycles.at(kind);
  // A full leaf (dense, BCSR blocks) feeds every position to the multiply-add units.
  const double multiply_adds = static_cast<double>(t.format.full_leaf() ? t.levels.back().size : t.levels.back().size) *
                               p.columns;
  time.decode = cycles / p.clock_hz * p.runs;
  time.compute = multiply_adds / (p.multiply_add_units * p.clock_hz) * p.runs;
  time.memory = (storage + operands) / p.memory_bytes_per_second * p.runs;
  return time;
}

}  // namespace

double AcceleratorTime::total() const { return host_conversion + link + std::max({decode, compute, memory}); }

std::map<LevelKind, std::uint64_t> decode_steps(const SparseTensor& t) {
  std::map<LevelKind, std::uint64_t> steps;
  std::uint64_t parents = 1;
  for (std::size_t l = 0; l < t.levels.size(); ++l) {
    const LevelData& d = t.levels[l];
    const LevelKind kind = t.format.levels[l].kind;
    switch (kind) {
      case LevelKind::kDense:
      case LevelKind::kBlock:
      case LevelKind::kSingleton:
      case LevelKind::kPadded: steps[kind] += d.size; break;
      case LevelKind::kCompressed: steps[kind] += d.crd.size() + parents; break;
      case LevelKind::kBitmap: steps[kind] += d.bits.size() + d.size; break;
      case LevelKind::kRunLength: steps[kind] += d.symbols; break;
    }
    parents = d.size;
  }
  return steps;
}

AcceleratorTime multi_format_time(const SparseTensor& tensor, const AcceleratorParameters& p) {
  return device_time(tensor, p);
}

AcceleratorTime csr_only_time(const SparseTensor& csr, double host_conversion_seconds,
                              const AcceleratorParameters& p) {
  AcceleratorTime time = device_time(csr, p);
  time.host_conversion = host_conversion_seconds;
  return time;
}

}  // namespace tessera::sparse
