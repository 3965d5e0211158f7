// Errors that reach the user: every failure names the input and what is wrong, and carries the exit
// code the command-line program returns (0 success, 1 runtime failure, 2 usage, 3 verification).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace tessera {

/// Process exit codes of the `tessera` program (DESIGN.md, CLI conventions).
enum class ExitCode : int {
  kSuccess = 0,
  kFailure = 1,       // runtime failure: bad file, corrupt stream, unsupported input
  kUsage = 2,         // bad command line: unknown command, bad flag or value
  kVerification = 3,  // a check failed: bound violated, output mismatch
};

/// The one exception type for user-facing failures. `input` names what was wrong (a file, a flag,
/// a stream); `problem` says what is wrong with it. what() is "input: problem".
class Error : public std::runtime_error {
 public:
  Error(std::string_view input, std::string_view problem, ExitCode code = ExitCode::kFailure);

  const std::string& input() const noexcept { return input_; }
  const std::string& problem() const noexcept { return problem_; }
  ExitCode exit_code() const noexcept { return code_; }

 private:
  std::string input_;
  std::string problem_;
  ExitCode code_;
};

/// A bad command line (exit code 2).
Error usage_error(std::string_view input, std::string_view problem);
/// A failed verification (exit code 3).
Error verification_error(std::string_view input, std::string_view problem);

}  // namespace tessera
