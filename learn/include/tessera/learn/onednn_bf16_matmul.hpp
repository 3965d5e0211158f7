// oneDNN's bf16 matmul: C (fp32) = A · B with A and B in bf16, the dense peer that bf16 kernels
// (TW-GEMM in bf16) are measured against.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tessera::learn {

class OnednnBf16Matmul {
 public:
  /// The matmul primitive for C (m × n, fp32) = A (m × k) · B (k × n), A and B bf16 bits, all
  /// row-major; B is reordered once into the layout oneDNN picks for it. tessera::Error naming
  /// "oneDNN" where it has no bf16 matmul for this machine.
  OnednnBf16Matmul(std::size_t m, std::size_t n, std::size_t k, const std::uint16_t* b);
  OnednnBf16Matmul(OnednnBf16Matmul&&) noexcept;
  OnednnBf16Matmul& operator=(OnednnBf16Matmul&&) noexcept;
  ~OnednnBf16Matmul();

  /// C = A · B on OpenMP's threads.
  void run(const std::uint16_t* a, float* c) const;
  /// oneDNN's implementation, as it names it ("brg:avx512_core_bf16").
  std::string implementation() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tessera::learn
