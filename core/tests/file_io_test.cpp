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
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera {
namespace {

namespace fs = std::filesystem;

std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span(text));
}

std::string as_text(std::span<const std::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

/// Each test writes into a fresh folder of its own.
class FileIo : public ::testing::Test {
 protected:
  std::vector<std::string> listing() const { return dir_.listing(); }

  testing::TempDir dir_;
  const fs::path folder_ = dir_.path();
};

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
  testing::expect_error([&] { writer.write(as_bytes("more")); },
                        {.input = target.string(), .contains = "write after commit"});
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
  testing::expect_error([&] { AtomicFileWriter writer(target); },
                        {.input = target.string(), .contains = "No such file or directory"});
  testing::expect_error([&] { write_file_atomic(target, as_bytes("x")); },
                        {.input = target.string(), .contains = "cannot create temporary file"});
}

TEST_F(FileIo, ReadFileRoundTripsLargeContentAndNamesMissingFiles) {
  std::vector<std::byte> data(3 * 1024 * 1024 + 7);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 131 % 251);
  const fs::path target = folder_ / "big.bin";
  write_file_atomic(target, data);
  EXPECT_EQ(read_file(target), data);
  write_file_atomic(target, {});
  EXPECT_TRUE(read_file(target).empty());
  testing::expect_error([&] { read_file(folder_ / "absent.bin"); },
                        {.input = (folder_ / "absent.bin").string(),
                         .contains = "cannot open: No such file or directory"});
  testing::expect_error([&] { read_file(folder_); },
                        {.input = folder_.string(), .contains = "cannot read"});
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
  testing::expect_error([&] { MappedFile mapped(folder_ / "absent.bin"); },
                        {.input = (folder_ / "absent.bin").string(),
                         .contains = "cannot open: No such file or directory"});
  testing::expect_error([&] { MappedFile mapped(folder_); },
                        {.input = folder_.string(), .contains = "not a regular file"});
}

}  // namespace
}  // namespace tessera
