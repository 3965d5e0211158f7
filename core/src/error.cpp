// Error construction: the message is always "<input>: <problem>".
#include "tessera/core/error.hpp"

namespace tessera {

namespace {
std::string compose(std::string_view input, std::string_view problem) {
  std::string message(input);
  message += ": ";
  message += problem;
  return message;
}
}  // namespace

Error::Error(std::string_view input, std::string_view problem, ExitCode code)
    : std::runtime_error(compose(input, problem)), input_(input), problem_(problem), code_(code) {}

Error usage_error(std::string_view input, std::string_view problem) {
  return Error(input, problem, ExitCode::kUsage);
}

Error verification_error(std::string_view input, std::string_view problem) {
  return Error(input, problem, ExitCode::kVerification);
}

}  // namespace tessera
