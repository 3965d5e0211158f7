// Temporary files that a terminating signal must not leave behind. OutputFile registers each of its
// temporary files here while it exists; a program (not a library: a host application owns its
// signals) calls remove_temp_files_on_signals() once, and SIGINT, SIGTERM, SIGHUP or SIGPIPE then
// removes every registered file before the signal ends the process as it would have.
#pragma once

#include <filesystem>

namespace tessera {

/// Most temporary files registered at once.
inline constexpr int kMaxTempFiles = 64;

/// Keeps `path` in the registry while the object lives (it does not remove the file itself).
/// Throws tessera::Error naming the path if kMaxTempFiles are registered already or the path is
/// longer than PATH_MAX bytes.
class TempFileRegistration {
 public:
  explicit TempFileRegistration(const std::filesystem::path& path);
  ~TempFileRegistration();
  TempFileRegistration(const TempFileRegistration&) = delete;
  TempFileRegistration& operator=(const TempFileRegistration&) = delete;

 private:
  int slot_;
};

/// Installs handlers for SIGINT, SIGTERM, SIGHUP and SIGPIPE that remove the registered files, then
/// restore the default action and raise the signal again, so that the process ends by it (a shell
/// reports 128 + the signal's number: 130, 143, 129, 141). A signal the process ignores (nohup's
/// SIGHUP) stays ignored.
void remove_temp_files_on_signals();

}  // namespace tessera
