// An environment variable changed for one test (TESSERA_ISA to cap the kernel dispatch, say) and
// put back afterwards: ScopedEnv remembers the value it found, or its absence, and restores it when
// it goes out of scope, whatever the test set in between.
#pragma once

#include <stdlib.h>

#include <optional>
#include <string>
#include <utility>

namespace tessera::testing {

class ScopedEnv {
 public:
  /// Remembers `name`'s value (or that it is unset) until destruction.
  explicit ScopedEnv(std::string name) : name_(std::move(name)) {
    if (const char* value = std::getenv(name_.c_str())) saved_ = value;
  }
  ~ScopedEnv() {
    if (saved_) {
      setenv(name_.c_str(), saved_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

  void set(const std::string& value) const { setenv(name_.c_str(), value.c_str(), 1); }
  void unset() const { unsetenv(name_.c_str()); }

 private:
  std::string name_;
  std::optional<std::string> saved_;
};

}  // namespace tessera::testing
