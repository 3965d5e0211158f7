// Library errors name the API fields they reject ("CompressOptions::radius"); a command's errors
// name the flags that set them ("--radius"). with_flag_names runs a command and renames the input
// of any tessera::Error it throws from a field to its flag, keeping the problem and exit code.
#pragma once

#include <span>
#include <string_view>
#include <utility>

#include "tessera/core/error.hpp"

namespace tessera::cli {

/// One API field and the command-line flag that sets it.
struct FlagOfField {
  std::string_view field;
  std::string_view flag;
};

/// Runs `command`; an Error whose input is one of `names`' fields is rethrown under its flag.
template <class Command>
decltype(auto) with_flag_names(std::span<const FlagOfField> names, Command&& command) {
  try {
    return std::forward<Command>(command)();
  } catch (const Error& e) {
    for (const FlagOfField& name : names) {
      if (e.input() == name.field) throw Error(name.flag, e.problem(), e.exit_code());
    }
    throw;
  }
}

}  // namespace tessera::cli
