// Data manifests: parsing and its errors, presence checked against the file system, shared data
// found through TESSERA_SHARED_DATA, and inputs and sets resolved to paths.
#include "tessera/core/data_manifest.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/scoped_env.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera {
namespace {

using testing::expect_error;

/// Sets TESSERA_SHARED_DATA for one test and restores it afterwards.
class SharedDataEnvironment : public ::testing::Test {
 protected:
  testing::ScopedEnv shared_data_{"TESSERA_SHARED_DATA"};
  testing::TempDir dir_;
};

std::string manifest_text(const std::string& package_root) {
  return R"({"subsystem": "demo",
    "sources": [{"name": "pkg", "package": "demo-data", "root": ")" +
         package_root + R"(", "contents": "demo fields"},
                {"name": "shared/matrices", "shared": "matrices", "contents": "matrices"}],
    "inputs": {"a": {"source": "pkg", "file": "a.nc", "variable": "T"},
               "b": {"source": "pkg", "file": "b.raw"},
               "m": {"source": "shared/matrices", "file": "m.mtx"}},
    "sets": {"both": ["b", "a"]}})";
}

TEST_F(SharedDataEnvironment, EnvironmentVariableOverridesTheDefault) {
  shared_data_.set(dir_.path().c_str());
  ASSERT_TRUE(shared_data_dir().has_value());
  EXPECT_EQ(*shared_data_dir(), std::filesystem::weakly_canonical(dir_.path()));
}

TEST_F(SharedDataEnvironment, MissingFolderIsAbsent) {
  shared_data_.set("/nonexistent/tessera-shared-data");
  EXPECT_FALSE(shared_data_dir().has_value());
}

TEST_F(SharedDataEnvironment, InputsResolveAgainstTheirSourcesAndReportPresence) {
  shared_data_.set(dir_.path().c_str());
  std::filesystem::create_directories(dir_ / "matrices");
  std::ofstream(dir_ / "a.nc") << "x";
  const DataManifest m = DataManifest::parse(manifest_text(dir_.path().string()), "demo.json");
  EXPECT_EQ(m.subsystem(), "demo");

  const DataInput a = m.input("a");
  EXPECT_TRUE(a.present);
  EXPECT_EQ(a.spec(), (dir_ / "a.nc").string() + ":T");
  const DataInput b = m.input("b");
  EXPECT_FALSE(b.present);
  EXPECT_EQ(b.spec(), (dir_ / "b.raw").string());
  EXPECT_NE(b.missing_reason.find("install Debian's demo-data"), std::string::npos);
  const DataInput matrix = m.input("m");
  EXPECT_EQ(matrix.path, std::filesystem::weakly_canonical(dir_.path()) / "matrices" / "m.mtx");
  EXPECT_NE(matrix.missing_reason.find("shared data"), std::string::npos);

  const std::vector<DataInput> both = m.set("both");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].id, "b");
  EXPECT_EQ(both[1].id, "a");
  const std::vector<DataSource> sources = m.sources();
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_TRUE(sources[0].present);
  EXPECT_TRUE(sources[1].present);
}

TEST(DataManifest, BadManifestsAreRejectedNamingTheProblem) {
  expect_error([] { (void)DataManifest::parse("{", "x.json"); },
               {.input = "x.json", .contains = "not valid JSON"});
  expect_error([] { (void)DataManifest::parse(R"({"sources": []})", "x.json"); },
               {.input = "x.json", .contains = "has no \"subsystem\""});
  expect_error(
      [] {
        (void)DataManifest::parse(
            R"({"subsystem": "s", "inputs": {"a": {"source": "nowhere", "file": "f"}}})", "x.json");
      },
      {.contains = "unknown source 'nowhere'"});
  expect_error(
      [] {
        (void)DataManifest::parse(
            R"({"subsystem": "s", "sources": [{"name": "p", "contents": "c"}]})", "x.json");
      },
      {.contains = "exactly one of package or shared"});
  expect_error(
      [] { (void)DataManifest::parse(R"({"subsystem": "s", "sets": {"x": ["a"]}})", "x.json"); },
      {.contains = "has no input 'a'"});
  const DataManifest m = DataManifest::parse(R"({"subsystem": "s"})", "x.json");
  expect_error([&] { (void)m.input("a"); }, {.input = "x.json", .contains = "has no input 'a'"});
  expect_error([&] { (void)m.set("a"); }, {.input = "x.json", .contains = "has no set 'a'"});
}

TEST(DataManifest, EnrollmentListsManifests) {
  static const DataManifest manifest = DataManifest::parse(R"({"subsystem": "enrolled"})", "e");
  const std::size_t before = data_manifests().size();
  const DataManifestEnrollment enrollment(manifest);
  ASSERT_EQ(data_manifests().size(), before + 1);
  EXPECT_EQ(data_manifests().back()->subsystem(), "enrolled");
}

}  // namespace
}  // namespace tessera
