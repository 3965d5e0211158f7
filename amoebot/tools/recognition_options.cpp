// The shape recognition options that `run` and `study` share (--ratio, --power).
#include <fmt/format.h>

#include "amoebot_commands.hpp"
#include "tessera/cli/cli.hpp"

namespace tessera::amoebot {

bool is_shape(const std::string& algorithm) {
  for (const char* shape : {"triangle", "parallelogram", "rhombus", "trapezoid", "hexagon"})
    if (algorithm == shape) return true;
  return false;
}

RecognitionTarget recognition_target(const std::string& algorithm, int ratio, int power) {
  if (ratio != 0 && (ratio < 1 || ratio > 100)) throw usage_error("--ratio", "from 1 to 100");
  if (power != 0 && (power < 2 || power > 16)) throw usage_error("--power", "from 2 to 16");
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
