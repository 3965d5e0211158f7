// A scatter plot rendered straight to PNG (zlib-compressed RGB): axes with decade ticks on log
// scales, grid lines, labelled series and a legend, text in a built-in 5x7 pixel font, so that a
// command can draw its picture without Python (`tessera sparse accel`'s speedup against density);
// and the PNG encoder itself, for pictures drawn pixel by pixel.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace tessera {

struct ScatterSeries {
  std::string label;
  std::array<std::uint8_t, 3> color;
  std::vector<std::pair<double, double>>
      points;  // (x, y); non-positive values on a log axis are left out
};

struct ScatterPlot {
  std::string title, x_label, y_label;
  bool log_x = true, log_y = true;
  std::vector<ScatterSeries> series;
  double reference_y = 0;  // a dashed horizontal line there (0: none), e.g. speedup 1
};

/// The PNG bytes of an 8-bit RGB image, rows top to bottom (tessera::Error naming "png" unless
/// there are width x height pixels, both at least 1).
std::vector<std::byte> encode_png(int width, int height,
                                  std::span<const std::array<std::uint8_t, 3>> pixels);

/// The PNG bytes of `plot`, width x height pixels.
std::vector<std::byte> render_png(const ScatterPlot& plot, int width = 900, int height = 600);

}  // namespace tessera
