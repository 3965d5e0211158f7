// Validation of the quantizer settings (quantizer.hpp); the slab coder is slab_quantizer.cpp.
#include "tessera/compress/quantizer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "tessera/core/error.hpp"

namespace tessera::compress {

void validate(const QuantizerSettings& s) {
  if (!(s.error_bound > 0) || !std::isfinite(2.0 * s.error_bound)) {
    throw usage_error(
        "CompressOptions::bound",
        fmt::format("the error bound must be a positive finite number, got {}", s.error_bound));
  }
  if (!std::isfinite(1.0 / (2.0 * s.error_bound))) {  // codes are (x - prediction) · 1/(2eb)
    throw usage_error(
        "CompressOptions::bound",
        fmt::format("the error bound {:g} is below {:.3g}, the smallest whose 1/(2·eb) is a "
                    "finite double",
                    s.error_bound, 0.5 / std::numeric_limits<double>::max()));
  }
  if (s.grid_step != 0 && !(s.grid_step > 2.0 * s.error_bound && std::isfinite(s.grid_step) &&
                            std::isfinite(1.0 / s.grid_step))) {
    throw usage_error("grid step",
                      fmt::format("must be 0 or a finite number above 2·eb = {}, got {}",
                                  2.0 * s.error_bound, s.grid_step));
  }
  if (s.radius < 2 || s.radius > kMaxRadius) {
    throw usage_error("quantization radius",
                      fmt::format("must be in [2, {}], got {}", kMaxRadius, s.radius));
  }
}

}  // namespace tessera::compress
