// Measured costs of keeping one matrix in each of several formats: SpMV (or SpMM) computed in
// the format, and the conversion to CSR that a CSR-only consumer would need first. What the
// advisor is validated against, `tessera sparse bench` prints and the accelerator model's host
// conversion is timed with. Medians of repeated runs on the current thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

struct FormatTiming {
  FormatSpec format;
  std::uint64_t storage_bytes = 0;
  double kernel_seconds = 0;  // SpMM with `columns` columns (SpMV for 1) in this format
  double to_csr_seconds = 0;  // converting this format to CSR (0 for CSR itself)
};

/// Times `matrix` (with f64 vectors for a pattern) in each of `formats` whose storage stays within
/// `max_bytes` (others are left out), each measurement repeated for about `seconds`.
std::vector<FormatTiming> time_formats(const SparseTensor& matrix, const std::vector<FormatSpec>& formats,
                                       std::uint32_t columns, double seconds,
                                       std::uint64_t max_bytes = 256u << 20);

}  // namespace tessera::sparse
