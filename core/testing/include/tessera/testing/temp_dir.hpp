// A fresh folder per test under the system's temporary folder, removed with everything in it when
// the test ends, so tests that write files neither collide nor leave anything behind.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tessera::testing {

class TempDir {
 public:
  /// Creates "<tmp>/tessera-<pid>-<current test's suite>.<name>" (empty, replacing any leftover).
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// path() / name.
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  /// Sorted names of the folder's entries.
  std::vector<std::string> listing() const;

 private:
  std::filesystem::path path_;
};

}  // namespace tessera::testing
