// The test-side half of the error contract (error.hpp): a call must throw tessera::Error that names
// the right input, says the right thing and carries the right exit code. One helper for every
// subsystem's tests, so that a test cannot pass when nothing is thrown.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <source_location>
#include <string>
#include <utility>

#include "tessera/core/error.hpp"

namespace tessera::testing {

/// What the thrown tessera::Error must look like; empty fields are not checked.
struct ErrorMatch {
  std::string input{};             // Error::input() equals it
  std::string contains{};          // Error::what() contains it
  std::optional<ExitCode> code{};  // Error::exit_code() equals it
};

/// Runs `action` and records a test failure (at the caller's line) unless it throws a
/// tessera::Error matching `want`. Returns the error's what() ("" when none was thrown).
template <class Action>
std::string expect_error(Action&& action, const ErrorMatch& want,
                         std::source_location where = std::source_location::current()) {
  const auto fail = [&](const std::string& why) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line())) << why;
  };
  try {
    std::forward<Action>(action)();
  } catch (const Error& e) {
    const std::string what = e.what();
    if (!want.input.empty() && e.input() != want.input) {
      fail("the error names '" + e.input() + "', expected '" + want.input + "': " + what);
    }
    if (!want.contains.empty() && what.find(want.contains) == std::string::npos) {
      fail("the error does not say '" + want.contains + "': " + what);
    }
    if (want.code && e.exit_code() != *want.code) {
      fail("the error has exit code " + std::to_string(static_cast<int>(e.exit_code())) +
           ", expected " + std::to_string(static_cast<int>(*want.code)) + ": " + what);
    }
    return what;
  } catch (const std::exception& e) {
    fail(std::string("threw a std::exception that is not a tessera::Error: ") + e.what());
    return e.what();
  }
  fail("nothing was thrown (expected an error saying '" + want.contains + "')");
  return "";
}

}  // namespace tessera::testing
