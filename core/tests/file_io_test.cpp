// AtomicFileWriter, MappedFile and read_file: content round trips, no partial or temporary files
// left behind, existing targets replaced only on commit, and errors that name the path.
#include "tessera/core/file_io.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/error.hpp"

namespace tessera {
namespace {

namespace fs = std::filesystem;

std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span(text));
}

std::string as_text(std::span<const std::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

/// Each test gets a fresh folder under the system temporary folder, removed with everything in it.
class FileIo : public testing::Test {
 protected:
  FileIo()
      : folder_(fs::temp_directory_path() /
                ("tessera-file-io-" + std::to_string(::getpid()) + "-" +
                 testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  ~FileIo() override {
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }

  /// Sorted names of the folder's entries.
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder_)) {
      names.push_back(entry.path().filename().string());
    }
    std::ranges::sort(names);
    return names;
  }

  fs::path folder_;
};

/// Expects `run` to throw an Error whose message contains `path` and `reason`.
template <typename Run>
void expect_error_naming(Run run, const fs::path& path, std::string_view reason) {
  try {
    run();
    FAIL() << "expected an error naming " << path;
  } catch (const Error& e) {
    EXPECT_EQ(e.input(), path.string());
    EXPECT_NE(e.problem().find(reason), std::string::npos) << e.what();
  }
}

TEST_F(FileIo, CommitPublishesContentWithoutLeavingTheTemporaryFile) {
  const fs::path target = folder_ / "out.bin";
  AtomicFileWriter writer(target);
  writer.write(as_bytes("hello, "));
  writer.write(as_bytes("tessera"));
  ASSERT_EQ(listing().size(), 1u);
  EXPECT_TRUE(listing()[0].starts_with("out.bin.tmp-")) << listing()[0];
  EXPECT_EQ(writer.temp_path().filename().string(), listing()[0]);
  EXPECT_FALSE(fs::exists(target));
  writer.commit();
  EXPECT_EQ(listing(), std::vector<std::string>{"out.bin"});
  EXPECT_EQ(as_text(read_file(target)), "hello, tessera");
  expect_error_naming([&] { writer.write(as_bytes("more")); }, target, "write after commit");
}

TEST_F(FileIo, UncommittedWriterLeavesNothingBehind) {
  {
    AtomicFileWriter writer(folder_ / "out.bin");
    writer.write(as_bytes("partial"));
  }
  EXPECT_TRUE(listing().empty());
}

TEST_F(FileIo, ExistingTargetIsReplacedOnlyOnCommit) {
  const fs::path target = folder_ / "model.tsz";
  write_file_atomic(target, as_bytes("old"));
  {
    AtomicFileWriter abandoned(target);
    abandoned.write(as_bytes("abandoned"));
  }
  EXPECT_EQ(as_text(read_file(target)), "old");
  AtomicFileWriter writer(target);
  writer.write(as_bytes("new content"));
  EXPECT_EQ(as_text(read_file(target)), "old");
  writer.commit();
  EXPECT_EQ(as_text(read_file(target)), "new content");
  EXPECT_EQ(listing(), std::vector<std::string>{"model.tsz"});
}

TEST_F(FileIo, ConcurrentWritersToOneTargetUseDistinctTemporaryFiles) {
  const fs::path target = folder_ / "log.json";
  AtomicFileWriter first(target);
  AtomicFileWriter second(target);
  EXPECT_NE(first.temp_path(), second.temp_path());
  first.write(as_bytes("first"));
  second.write(as_bytes("second"));
  first.commit();
  second.commit();
  EXPECT_EQ(as_text(read_file(target)), "second");
  EXPECT_EQ(listing(), std::vector<std::string>{"log.json"});
}

TEST_F(FileIo, WritingIntoAMissingFolderThrowsNamingThePath) {
  const fs::path target = folder_ / "missing" / "out.bin";
  expect_error_naming([&] { AtomicFileWriter writer(target); }, target,
                      "No such file or directory");
  expect_error_naming([&] { write_file_atomic(target, as_bytes("x")); }, target,
                      "cannot create temporary file");
}

TEST_F(FileIo, ReadFileRoundTripsLargeContentAndNamesMissingFiles) {
  std::vector<std::byte> data(3 * 1024 * 1024 + 7);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 131 % 251);
  const fs::path target = folder_ / "big.bin";
  write_file_atomic(target, data);
  EXPECT_EQ(read_file(target), data);
  write_file_atomic(target, {});
  EXPECT_TRUE(read_file(target).empty());
  expect_error_naming([&] { read_file(folder_ / "absent.bin"); }, folder_ / "absent.bin",
                      "cannot open: No such file or directory");
  expect_error_naming([&] { read_file(folder_); }, folder_, "cannot read");
}

TEST_F(FileIo, MappedFileMapsContentAndMoves) {
  const fs::path target = folder_ / "weights.bin";
  write_file_atomic(target, as_bytes("packed sparse weights"));
  MappedFile mapped(target);
  EXPECT_EQ(mapped.path(), target);
  EXPECT_EQ(as_text(mapped.bytes()), "packed sparse weights");
  MappedFile moved(std::move(mapped));
  EXPECT_EQ(as_text(moved.bytes()), "packed sparse weights");
  // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move): moved-from is empty
  EXPECT_TRUE(mapped.bytes().empty());
  write_file_atomic(folder_ / "other.bin", as_bytes("other"));
  moved = MappedFile(folder_ / "other.bin");
  EXPECT_EQ(as_text(moved.bytes()), "other");
}

TEST_F(FileIo, MappedFileOfEmptyFileIsEmpty) {
  write_file_atomic(folder_ / "empty.bin", {});
  const MappedFile mapped(folder_ / "empty.bin");
  EXPECT_TRUE(mapped.bytes().empty());
}

TEST_F(FileIo, MappedFileErrorsNameThePath) {
  expect_error_naming([&] { MappedFile mapped(folder_ / "absent.bin"); }, folder_ / "absent.bin",
                      "cannot open: No such file or directory");
  expect_error_naming([&] { MappedFile mapped(folder_); }, folder_, "not a regular file");
}

}  // namespace
}  // namespace tessera
