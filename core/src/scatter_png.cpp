// Scatter plot rendering and PNG encoding (scatter_png.hpp).
#include "tessera/core/scatter_png.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "tessera/core/error.hpp"

namespace tessera {
namespace {

// 5x7 glyphs: each row's 5 pixels in the low bits, most significant bit leftmost.
const std::map<char, std::array<std::uint8_t, 7>>& glyphs() {
  static const std::map<char, std::array<std::uint8_t, 7>> g = {
      {'0', {14, 17, 19, 21, 25, 17, 14}}, {'1', {4, 12, 4, 4, 4, 4, 14}},
      {'2', {14, 17, 1, 2, 4, 8, 31}},     {'3', {31, 2, 4, 2, 1, 17, 14}},
      {'4', {2, 6, 10, 18, 31, 2, 2}},     {'5', {31, 16, 30, 1, 1, 17, 14}},
      {'6', {6, 8, 16, 30, 17, 17, 14}},   {'7', {31, 1, 2, 4, 8, 8, 8}},
      {'8', {14, 17, 17, 14, 17, 17, 14}}, {'9', {14, 17, 17, 15, 1, 2, 12}},
      {'.', {0, 0, 0, 0, 0, 12, 12}},      {'-', {0, 0, 0, 31, 0, 0, 0}},
      {'%', {24, 25, 2, 4, 8, 19, 3}},     {'(', {2, 4, 8, 8, 8, 4, 2}},
      {')', {8, 4, 2, 2, 2, 4, 8}},        {',', {0, 0, 0, 0, 12, 4, 8}},
      {':', {0, 12, 12, 0, 12, 12, 0}},    {'/', {0, 1, 2, 4, 8, 16, 0}},
      {'=', {0, 0, 31, 0, 31, 0, 0}},      {'+', {0, 4, 4, 31, 4, 4, 0}},
      {' ', {0, 0, 0, 0, 0, 0, 0}},        {'x', {0, 0, 17, 10, 4, 10, 17}},
      {'a', {0, 0, 14, 1, 15, 17, 15}},    {'b', {16, 16, 22, 25, 17, 17, 30}},
      {'c', {0, 0, 14, 16, 16, 17, 14}},   {'d', {1, 1, 13, 19, 17, 17, 15}},
      {'e', {0, 0, 14, 17, 31, 16, 14}},   {'f', {6, 9, 8, 28, 8, 8, 8}},
      {'g', {0, 15, 17, 17, 15, 1, 14}},   {'h', {16, 16, 22, 25, 17, 17, 17}},
      {'i', {4, 0, 12, 4, 4, 4, 14}},      {'j', {2, 0, 6, 2, 2, 18, 12}},
      {'k', {16, 16, 18, 20, 24, 20, 18}}, {'l', {12, 4, 4, 4, 4, 4, 14}},
      {'m', {0, 0, 26, 21, 21, 17, 17}},   {'n', {0, 0, 22, 25, 17, 17, 17}},
      {'o', {0, 0, 14, 17, 17, 17, 14}},   {'p', {0, 0, 30, 17, 30, 16, 16}},
      {'q', {0, 0, 13, 19, 15, 1, 1}},     {'r', {0, 0, 22, 25, 16, 16, 16}},
      {'s', {0, 0, 14, 16, 14, 1, 30}},    {'t', {8, 8, 28, 8, 8, 9, 6}},
      {'u', {0, 0, 17, 17, 17, 19, 13}},   {'v', {0, 0, 17, 17, 17, 10, 4}},
      {'w', {0, 0, 17, 17, 21, 21, 10}},   {'y', {0, 0, 17, 17, 15, 1, 14}},
      {'z', {0, 0, 31, 2, 4, 8, 31}},      {'A', {14, 17, 17, 31, 17, 17, 17}},
      {'B', {30, 17, 17, 30, 17, 17, 30}}, {'C', {14, 17, 16, 16, 16, 17, 14}},
      {'D', {28, 18, 17, 17, 17, 18, 28}}, {'E', {31, 16, 16, 30, 16, 16, 31}},
      {'G', {14, 17, 16, 23, 17, 17, 15}}, {'L', {16, 16, 16, 16, 16, 16, 31}},
      {'M', {17, 27, 21, 21, 17, 17, 17}}, {'O', {14, 17, 17, 17, 17, 17, 14}},
      {'P', {30, 17, 17, 30, 16, 16, 16}}, {'R', {30, 17, 17, 30, 20, 18, 17}},
      {'S', {15, 16, 16, 14, 1, 1, 30}},   {'T', {31, 4, 4, 4, 4, 4, 4}},
      {'U', {17, 17, 17, 17, 17, 17, 14}}, {'V', {17, 17, 17, 17, 17, 10, 4}},
  };
  return g;
}

using Rgb = std::array<std::uint8_t, 3>;

class Canvas {
 public:
  Canvas(int w, int h)
      : w_(w), h_(h), pixels_(static_cast<std::size_t>(w) * h, Rgb{255, 255, 255}) {}
  void set(int x, int y, Rgb c) {
    if (x >= 0 && y >= 0 && x < w_ && y < h_) pixels_[static_cast<std::size_t>(y) * w_ + x] = c;
  }
  void rect(int x0, int y0, int x1, int y1, Rgb c) {
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) set(x, y, c);
  }
  // Text of 5x7 glyphs at `scale`, left edge x, top y; unknown characters are left blank.
  void text(int x, int y, const std::string& s, Rgb c, int scale = 2) {
    for (char ch : s) {
      const auto it = glyphs().find(ch);
      if (it != glyphs().end()) {
        for (int r = 0; r < 7; ++r)
          for (int b = 0; b < 5; ++b)
            if (it->second[r] >> (4 - b) & 1)
              rect(x + b * scale, y + r * scale, x + b * scale + scale - 1,
                   y + r * scale + scale - 1, c);
      }
      x += 6 * scale;
    }
  }
  static int text_width(const std::string& s, int scale = 2) {
    return static_cast<int>(s.size()) * 6 * scale;
  }
  // Text rotated a quarter turn counter-clockwise, reading upwards, bottom edge at y.
  void vertical_text(int x, int y, const std::string& s, Rgb c, int scale = 2) {
    for (char ch : s) {
      const auto it = glyphs().find(ch);
      if (it != glyphs().end()) {
        for (int r = 0; r < 7; ++r)
          for (int b = 0; b < 5; ++b)
            if (it->second[r] >> (4 - b) & 1)
              rect(x + r * scale, y - b * scale - scale + 1, x + r * scale + scale - 1,
                   y - b * scale, c);
      }
      y -= 6 * scale;
    }
  }
  std::vector<std::byte> png() const;

 private:
  int w_, h_;
  std::vector<Rgb> pixels_;
};

void put_u32(std::vector<std::byte>& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::byte>(v >> s & 0xFF));
}

void chunk(std::vector<std::byte>& out, const char* type, const std::vector<std::byte>& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::byte>(type[i]));
  out.insert(out.end(), data.begin(), data.end());
  const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(out.data() + start),
                          static_cast<uInt>(out.size() - start));
  put_u32(out, static_cast<std::uint32_t>(crc));
}

std::vector<std::byte> Canvas::png() const { return encode_png(w_, h_, pixels_); }

// An axis: data range to pixels, with tick positions and labels.
struct Axis {
  bool log;
  double lo, hi;
  double to_unit(double v) const {
    return log ? (std::log10(v) - lo) / (hi - lo) : (v - lo) / (hi - lo);
  }
  std::vector<std::pair<double, std::string>> ticks() const {
    std::vector<std::pair<double, std::string>> out;
    if (log) {
      for (int e = static_cast<int>(std::ceil(lo)); e <= static_cast<int>(std::floor(hi)); ++e) {
        out.emplace_back(std::pow(10.0, e), e >= 0 && e <= 3 ? fmt::format("{}", std::pow(10.0, e))
                                                             : fmt::format("1e{}", e));
      }
    } else {
      for (int i = 0; i <= 4; ++i) {
        const double v = lo + (hi - lo) * i / 4;
        out.emplace_back(v, fmt::format("{:.3g}", v));
      }
    }
    return out;
  }
};

Axis axis_of(const std::vector<double>& values, bool log) {
  double lo = 1e300, hi = -1e300;
  for (double v : values) {
    if (log && !(v > 0)) continue;
    const double t = log ? std::log10(v) : v;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  if (lo > hi) lo = 0, hi = 1;
  if (log) {
    lo = std::floor(lo);
    hi = std::max(std::ceil(hi), lo + 1);
  } else if (hi - lo < 1e-12) {
    hi = lo + 1;
  }
  return {log, lo, hi};
}

}  // namespace

std::vector<std::byte> encode_png(int width, int height,
                                  std::span<const std::array<std::uint8_t, 3>> pixels) {
  if (width < 1 || height < 1 || pixels.size() != static_cast<std::size_t>(width) * height)
    throw Error("png",
                fmt::format("{} pixels for an image of {} x {}", pixels.size(), width, height));
  std::vector<std::byte> raw;
  raw.reserve(pixels.size() * 3 + height);
  for (int y = 0; y < height; ++y) {
    raw.push_back(std::byte{0});  // filter: none
    for (int x = 0; x < width; ++x) {
      for (std::uint8_t v : pixels[static_cast<std::size_t>(y) * width + x])
        raw.push_back(static_cast<std::byte>(v));
    }
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<std::byte> packed(size);
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                9) != Z_OK) {
    throw Error("png", "zlib failed to compress the image");
  }
  packed.resize(size);
  std::vector<std::byte> out;
  constexpr std::uint8_t kSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  for (std::uint8_t b : kSignature) out.push_back(static_cast<std::byte>(b));
  std::vector<std::byte> header;
  put_u32(header, static_cast<std::uint32_t>(width));
  put_u32(header, static_cast<std::uint32_t>(height));
  constexpr std::uint8_t kFormat[] = {8, 2, 0, 0, 0};  // 8-bit RGB, deflate, no interlace
  for (std::uint8_t b : kFormat) header.push_back(static_cast<std::byte>(b));
  chunk(out, "IHDR", header);
  chunk(out, "IDAT", packed);
  chunk(out, "IEND", {});
  return out;
}

std::vector<std::byte> render_png(const ScatterPlot& plot, int width, int height) {
  Canvas c(width, height);
  const int left = 90, right = width - 20, top = 50, bottom = height - 70;
  std::vector<double> xs, ys;
  for (const ScatterSeries& s : plot.series) {
    for (const auto& [x, y] : s.points) {
      xs.push_back(x);
      ys.push_back(y);
    }
  }
  if (plot.reference_y > 0) ys.push_back(plot.reference_y);
  const Axis ax = axis_of(xs, plot.log_x), ay = axis_of(ys, plot.log_y);
  const auto px = [&](double x) {
    return left + static_cast<int>(std::lround(ax.to_unit(x) * (right - left)));
  };
  const auto py = [&](double y) {
    return bottom - static_cast<int>(std::lround(ay.to_unit(y) * (bottom - top)));
  };
  const Rgb grid{225, 225, 225}, ink{0, 0, 0};
  for (const auto& [v, label] : ax.ticks()) {
    c.rect(px(v), top, px(v), bottom, grid);
    c.text(px(v) - Canvas::text_width(label) / 2, bottom + 8, label, ink);
  }
  for (const auto& [v, label] : ay.ticks()) {
    c.rect(left, py(v), right, py(v), grid);
    c.text(left - 8 - Canvas::text_width(label), py(v) - 7, label, ink);
  }
  c.rect(left, top, left, bottom, ink);
  c.rect(left, bottom, right, bottom, ink);
  if (plot.reference_y > 0) {
    for (int x = left; x < right; x += 8)
      c.rect(x, py(plot.reference_y), x + 3, py(plot.reference_y), {120, 120, 120});
  }
  for (const ScatterSeries& s : plot.series) {
    for (const auto& [x, y] : s.points) {
      if ((plot.log_x && !(x > 0)) || (plot.log_y && !(y > 0))) continue;
      c.rect(px(x) - 3, py(y) - 3, px(x) + 3, py(y) + 3, s.color);
    }
  }
  c.text((width - Canvas::text_width(plot.title)) / 2, 14, plot.title, ink);
  c.text((left + right - Canvas::text_width(plot.x_label)) / 2, height - 32, plot.x_label, ink);
  c.vertical_text(14, (top + bottom + Canvas::text_width(plot.y_label)) / 2, plot.y_label, ink);
  int legend_y = top + 8;
  for (const ScatterSeries& s : plot.series) {
    c.rect(left + 12, legend_y + 3, left + 20, legend_y + 11, s.color);
    c.text(left + 28, legend_y, s.label, ink);
    legend_y += 20;
  }
  return c.png();
}

}  // namespace tessera
