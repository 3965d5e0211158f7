// DLRM's dot interaction and its gradient (interaction.hpp), one sample per iteration.
#include "interaction.hpp"

#include <algorithm>

namespace tessera::dlrm::detail {
namespace {

// Vector v (0: bottom, i: table i - 1) of sample r.
const float* vector_of(std::span<const float> bottom, std::span<const float> pooled, std::int64_t r,
                       std::int64_t v, std::int64_t tables, std::int64_t d) {
  return v == 0 ? bottom.data() + r * d : pooled.data() + (r * tables + v - 1) * d;
}

float dot(const float* a, const float* b, std::int64_t d) {
  float sum = 0.0f;
  for (std::int64_t k = 0; k < d; ++k) sum += a[k] * b[k];
  return sum;
}

}  // namespace

void interact(std::span<const float> bottom, std::span<const float> pooled, std::int64_t rows,
              std::int64_t tables, std::int64_t d, std::span<float> out) {
  const std::int64_t width = interaction_width(tables + 1, d);
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < rows; ++r) {
    float* o = out.data() + r * width;
    std::copy_n(bottom.data() + r * d, d, o);
    std::int64_t k = d;
    for (std::int64_t i = 1; i <= tables; ++i)
      for (std::int64_t j = 0; j < i; ++j)
        o[k++] = dot(vector_of(bottom, pooled, r, i, tables, d),
                     vector_of(bottom, pooled, r, j, tables, d), d);
  }
}

void interact_backward(std::span<const float> bottom, std::span<const float> pooled,
                       std::span<const float> d_out, std::int64_t rows, std::int64_t tables,
                       std::int64_t d, std::span<float> d_bottom, std::span<float> d_pooled) {
  const std::int64_t width = interaction_width(tables + 1, d);
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* g = d_out.data() + r * width;
    float* gb = d_bottom.data() + r * d;
    std::copy_n(g, d, gb);
    std::fill_n(d_pooled.data() + r * tables * d, tables * d, 0.0f);
    const auto gradient_of = [&](std::int64_t v) {
      return v == 0 ? gb : d_pooled.data() + (r * tables + v - 1) * d;
    };
    std::int64_t k = d;
    for (std::int64_t i = 1; i <= tables; ++i) {
      for (std::int64_t j = 0; j < i; ++j, ++k) {
        const float* zi = vector_of(bottom, pooled, r, i, tables, d);
        const float* zj = vector_of(bottom, pooled, r, j, tables, d);
        float* gi = gradient_of(i);
        float* gj = gradient_of(j);
        for (std::int64_t c = 0; c < d; ++c) {
          gi[c] += g[k] * zj[c];
          gj[c] += g[k] * zi[c];
        }
      }
    }
  }
}

}  // namespace tessera::dlrm::detail
