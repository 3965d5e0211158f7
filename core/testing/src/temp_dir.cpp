// TempDir: a folder named after the running test, removed on destruction.
#include "tessera/testing/temp_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

namespace tessera::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "tessera-" + std::to_string(::getpid());
  if (test != nullptr) name += std::string("-") + test->test_suite_name() + "." + test->name();
  std::ranges::replace(name, '/', '_');  // parameterised tests are named "Suite/Case.Test/0"
  path_ = fs::temp_directory_path() / name;
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::vector<std::string> TempDir::listing() const {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(path_)) {
    names.push_back(entry.path().filename().string());
  }
  std::ranges::sort(names);
  return names;
}

}  // namespace tessera::testing
