// Sweep syntax: split on commas, expand each range with the step (or factor) applied by index, not
// by accumulation, so "0:1:0.1" ends exactly at 1 and not at 0.9999999.
#include "tessera/core/sweep.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <string>

#include "tessera/core/error.hpp"

namespace tessera {

namespace {

// A range's end is reached within this fraction of a step (decimal steps are inexact in binary).
constexpr double kEndTolerance = 1e-9;

double parse_number(std::string_view text, std::string_view option, std::string_view item) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end || !std::isfinite(value)) {
    throw usage_error(option, fmt::format("'{}' in '{}' is not a finite number", text, item));
  }
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t begin = 0;;) {
    const std::size_t end = text.find(separator, begin);
    parts.push_back(text.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) return parts;
    begin = end + 1;
  }
}

void append(std::vector<double>& values, double v, std::string_view option) {
  if (values.size() == kMaxSweepValues) {
    throw usage_error(option, fmt::format("expands to more than {} values", kMaxSweepValues));
  }
  values.push_back(v);
}

void expand_range(std::string_view item, std::vector<double>& values, std::string_view option) {
  const std::vector<std::string_view> parts = split(item, ':');
  if (parts.size() != 3) {
    throw usage_error(option,
                      fmt::format("'{}' is not start:stop:step or start:stop:*factor", item));
  }
  const double start = parse_number(parts[0], option, item);
  const double stop = parse_number(parts[1], option, item);
  if (stop < start) throw usage_error(option, fmt::format("'{}' ends before it starts", item));
  const bool geometric = parts[2].starts_with('*');
  const double step = parse_number(geometric ? parts[2].substr(1) : parts[2], option, item);
  if (geometric) {
    if (!(step > 1) || !(start > 0)) {
      throw usage_error(option,
                        fmt::format("'{}' needs a factor above 1 and a start above 0", item));
    }
    for (double i = 0;; ++i) {
      const double v = start * std::pow(step, i);
      if (v > stop * (1 + kEndTolerance)) return;
      append(values, v, option);
    }
  }
  if (!(step > 0)) throw usage_error(option, fmt::format("'{}' needs a step above 0", item));
  for (double i = 0;; ++i) {
    const double v = start + i * step;
    if (v > stop + kEndTolerance * step) return;
    append(values, std::fabs(v - stop) <= kEndTolerance * step ? stop : v, option);
  }
}

}  // namespace

std::vector<double> parse_sweep(std::string_view text, std::string_view option) {
  std::vector<double> values;
  for (std::string_view item : split(text, ',')) {
    if (item.find(':') == std::string_view::npos) {
      append(values, parse_number(item, option, text), option);
    } else {
      expand_range(item, values, option);
    }
  }
  return values;
}

std::vector<std::size_t> parse_size_sweep(std::string_view text, std::string_view option) {
  std::vector<std::size_t> sizes;
  for (double v : parse_sweep(text, option)) {
    const double whole = std::round(v);
    if (whole < 1 || std::fabs(v - whole) > kEndTolerance * whole || whole > 1e15) {
      throw usage_error(option,
                        fmt::format("{:g} in '{}' is not a whole number of at least 1", v, text));
    }
    sizes.push_back(static_cast<std::size_t>(whole));
  }
  return sizes;
}

}  // namespace tessera
