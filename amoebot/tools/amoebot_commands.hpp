// The subcommands of `tessera amoebot` that live in their own files, added by
// amoebot_command.cpp's registrar.
#pragma once

#include <CLI/CLI.hpp>

namespace tessera::amoebot {

/// `tessera amoebot study`: rounds against n over seeds, fitted (study_command.cpp).
void add_study(CLI::App& parent);

}  // namespace tessera::amoebot
