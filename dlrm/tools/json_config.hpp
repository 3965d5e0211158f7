// Options of a command read from a JSON file: an object whose keys are the command's long option
// names without dashes ("tables", "train-samples") and whose values are numbers, strings,
// booleans (flags) or arrays (options taking several values). Options given on the command line
// win over the file's. (CLI11 2.1 reads INI or TOML files, and for the top command only.)
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace tessera::dlrm {

/// Adds `--config FILE` to `app`; `apply_json_config` reads it.
CLI::Option* add_json_config(CLI::App* app, std::string& path);

/// Gives each option of `app` that the command line left unset its value from the JSON file at
/// `path` (nothing when `path` is empty), with the option's own checks. Usage errors naming the
/// file for text that is not a JSON object, a key that names no option, or a value of another
/// kind; the option's own error for a value it refuses.
void apply_json_config(CLI::App& app, const std::string& path);

}  // namespace tessera::dlrm
