// The subcommands of `tessera amoebot` that live in their own files, added by
// amoebot_command.cpp's registrar, and the options they share.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "tessera/amoebot/algorithms/shape_recognition.hpp"

namespace tessera::amoebot {

/// `tessera amoebot study`: rounds against n over seeds, fitted (study_command.cpp).
void add_study(CLI::App& parent);

/// What shape recognition is asked to recognise, with k of a side ratio, in words.
struct RecognitionTarget {
  ShapeRecognition::Target target;
  int k;
  std::string words;  // "a parallelogram of side ratio 3"
};
/// --power and --ratio (range-checked; 0 where not given), as `run` and `study` take them.
void add_side_ratio_options(CLI::App& app, int& ratio, int& power);
/// Whether `algorithm` names a shape to recognise.
bool is_shape(const std::string& algorithm);
/// The target of `algorithm` (triangle, parallelogram, rhombus, trapezoid, hexagon) with --ratio
/// and --power (0 where not given); usage errors naming the option when they do not apply
/// (recognition_options.cpp).
RecognitionTarget recognition_target(const std::string& algorithm, int ratio, int power);

}  // namespace tessera::amoebot
