// Data source discovery honours TESSERA_SHARED_DATA and reports presence truthfully.
#include "tessera/core/data_sources.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace tessera {
namespace {

class SharedDataEnvironment : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* value = std::getenv("TESSERA_SHARED_DATA");
    if (value != nullptr) saved_ = value;
  }
  void TearDown() override {
    if (saved_) {
      setenv("TESSERA_SHARED_DATA", saved_->c_str(), 1);
    } else {
      unsetenv("TESSERA_SHARED_DATA");
    }
  }
  std::optional<std::string> saved_;
};

TEST_F(SharedDataEnvironment, EnvironmentVariableOverridesTheDefault) {
  const auto dir = std::filesystem::temp_directory_path();
  setenv("TESSERA_SHARED_DATA", dir.c_str(), 1);
  ASSERT_TRUE(shared_data_dir().has_value());
  EXPECT_EQ(*shared_data_dir(), std::filesystem::weakly_canonical(dir));
  EXPECT_TRUE(known_data_sources().front().present);
}

TEST_F(SharedDataEnvironment, MissingFolderIsAbsent) {
  setenv("TESSERA_SHARED_DATA", "/nonexistent/tessera-shared-data", 1);
  EXPECT_FALSE(shared_data_dir().has_value());
  EXPECT_FALSE(known_data_sources().front().present);
}

TEST(KnownDataSources, PresenceMatchesTheFileSystem) {
  for (const auto& source : known_data_sources()) {
    EXPECT_FALSE(source.contents.empty()) << source.name;
    EXPECT_EQ(source.present, std::filesystem::is_directory(source.path)) << source.name;
  }
}

}  // namespace
}  // namespace tessera
