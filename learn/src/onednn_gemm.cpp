// oneDNN's C sgemm behind the project's error handling.
#include "tessera/learn/onednn_gemm.hpp"

#include <fmt/format.h>
#include <oneapi/dnnl/dnnl.h>

#include "tessera/core/error.hpp"

namespace tessera::learn {

void onednn_sgemm(char transa, char transb, std::size_t m, std::size_t n, std::size_t k,
                  const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                  float* c, std::size_t ldc) {
  const auto d = [](std::size_t x) { return static_cast<dnnl_dim_t>(x); };
  if (dnnl_sgemm(transa, transb, d(m), d(n), d(k), 1.0f, a, d(lda), b, d(ldb), beta, c, d(ldc)) !=
      dnnl_success) {
    throw Error("oneDNN", fmt::format("sgemm {}x{}x{} failed", m, n, k));
  }
}

}  // namespace tessera::learn
