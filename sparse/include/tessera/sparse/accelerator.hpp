// A parameterised model of a sparse accelerator (after Qin et al., IPDPS'21): multiply-add units
// behind a front end that decodes level formats, its own memory, and a link to the host. The
// multi-format design decodes every level format natively; the CSR-only design takes CSR alone,
// so a tensor kept in any other format is first converted on the host, in software, timed with
// this library. Both run SpMV (or SpMM) on the same tensor; the model reports each time.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "tessera/sparse/level.hpp"
#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

struct AcceleratorParameters {
  double clock_hz = 1e9;
  std::uint32_t multiply_add_units = 64;
  double memory_bytes_per_second = 256e9;  // the accelerator's memory
  double link_bytes_per_second = 16e9;     // host to accelerator
  /// Front-end cycles per traversal step of each level kind: a position of a dense or block
  /// level, an offset or coordinate of a compressed one, a word or set bit of a bitmap, a run
  /// symbol, a slot of a padded level.
  std::map<LevelKind, double> decode_cycles = {
      {LevelKind::kDense, 0.125},  {LevelKind::kBlock, 0.125},    {LevelKind::kCompressed, 1.0},
      {LevelKind::kSingleton, 1.0}, {LevelKind::kBitmap, 1.0},    {LevelKind::kRunLength, 1.0},
      {LevelKind::kPadded, 1.0}};
  std::uint32_t columns = 1;  // 1: SpMV; more: SpMM with that many dense columns
  std::uint32_t runs = 1;     // kernel runs per transfer (and per host conversion)
};

/// One design's time for one tensor, in seconds, by part.
struct AcceleratorTime {
  double host_conversion = 0;  // software conversion to CSR on the host (CSR-only design)
  double link = 0;             // the tensor and the dense operands over the link
  double decode = 0;           // the front end, all runs
  double compute = 0;          // the multiply-add units, all runs
  double memory = 0;           // the accelerator's memory traffic, all runs
  /// host_conversion + link + max(decode, compute, memory): the units overlap on the device.
  double total() const;
};

/// The multi-format design on `tensor` (a matrix in its own format).
AcceleratorTime multi_format_time(const SparseTensor& tensor, const AcceleratorParameters& p);

/// The CSR-only design: `host_conversion_seconds` (measured) to CSR, then the tensor `csr`.
AcceleratorTime csr_only_time(const SparseTensor& csr, double host_conversion_seconds,
                              const AcceleratorParameters& p);

/// Traversal steps of a tensor's levels, per level kind, as the front end counts them.
std::map<LevelKind, std::uint64_t> decode_steps(const SparseTensor& tensor);

}  // namespace tessera::sparse
