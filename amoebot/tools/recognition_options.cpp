// The shape recognition options that `run` and `study` share (--ratio, --power).
#include <fmt/format.h>

#include "amoebot_commands.hpp"
#include "tessera/cli/cli.hpp"

namespace tessera::amoebot {

void add_side_ratio_options(CLI::App& app, int& ratio, int& power) {
  app.add_option("--power", power, "Parallelogram: only sides a and a^K (K from 2 to 16)")
      ->check(CLI::Range(2, 16));
  app.add_option("--ratio", ratio,
                 "Parallelogram: only side ratio K (long side = K times the short one)")
      ->check(CLI::Range(1, 100));
}

bool is_shape(const std::string& algorithm) {
  for (const char* shape : {"triangle", "parallelogram", "rhombus", "trapezoid", "hexagon"})
    if (algorithm == shape) return true;
  return false;
}

RecognitionTarget recognition_target(const std::string& algorithm, int ratio, int power) {
  if ((ratio != 0 || power != 0) && algorithm != "parallelogram")
    throw usage_error(ratio != 0 ? "--ratio" : "--power", "only parallelograms have side ratios");
  if (ratio != 0 && power != 0) throw usage_error("--power", "give --ratio or --power, not both");
  if (algorithm == "triangle") return {ShapeRecognition::kTriangle, 1, "an equilateral triangle"};
  if (algorithm == "rhombus") return {ShapeRecognition::kRhombus, 1, "a rhombus"};
  if (algorithm == "trapezoid")
    return {ShapeRecognition::kTrapezoid, 1, "a trapezoid of three triangles"};
  if (algorithm == "hexagon") return {ShapeRecognition::kHexagon, 1, "a regular hexagon"};
  if (ratio != 0)
    return {ShapeRecognition::kLinearRatio, ratio,
            fmt::format("a parallelogram of side ratio {}", ratio)};
  if (power != 0)
    return {ShapeRecognition::kPolynomialRatio, power,
            fmt::format("a parallelogram of sides a and a^{}", power)};
  return {ShapeRecognition::kParallelogram, 1, "a parallelogram"};
}

}  // namespace tessera::amoebot
