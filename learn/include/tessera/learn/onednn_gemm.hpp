// Dense sgemm through oneDNN: what the MLP trainer computes with, and the dense peer that
// benchmarks measure sparse kernels against.
#pragma once

#include <cstddef>

namespace tessera::learn {

/// C (m × n) = op(A) · op(B) + beta · C, row-major, op 'N' (as is) or 'T' (transposed), through
/// oneDNN's dnnl_sgemm (its threads follow OpenMP's). Throws tessera::Error if oneDNN fails.
void onednn_sgemm(char transa, char transb, std::size_t m, std::size_t n, std::size_t k,
                  const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                  float* c, std::size_t ldc);

}  // namespace tessera::learn
