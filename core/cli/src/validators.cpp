// The whole-number validator: digits only, no sign, no overflow, at least the minimum.
#include "tessera/cli/validators.hpp"

#include <fmt/format.h>

#include <charconv>
#include <string>

namespace tessera::cli {

CLI::Validator whole_number(std::uint64_t minimum) {
  return CLI::Validator(
      [minimum](std::string& value) -> std::string {
        std::uint64_t n = 0;
        const char* end = value.data() + value.size();
        const auto [stop, error] = std::from_chars(value.data(), end, n);
        const bool digits = !value.empty() && value.front() != '-' && value.front() != '+';
        if (digits && error == std::errc() && stop == end && n >= minimum) return "";
        return fmt::format("'{}' is not a whole number of at least {}", value, minimum);
      },
      fmt::format("INT>={}", minimum), "whole number");
}

}  // namespace tessera::cli
