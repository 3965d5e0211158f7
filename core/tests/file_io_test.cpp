// OutputFile, read_file, read_file_into and same_file: content round trips, no partial or temporary
// files left behind, existing targets replaced only on commit, FIFOs, devices and links written in
// place or followed, never replaced, and errors that name the path.
#include "tessera/core/file_io.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/temp_files.hpp"
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
  OutputFile writer(target);
  writer.write(as_bytes("hello, "));
  writer.write(as_bytes("tessera"));
  ASSERT_EQ(listing().size(), 1u);
  EXPECT_TRUE(listing()[0].starts_with("out.bin.tmp-")) << listing()[0];
  EXPECT_FALSE(writer.in_place());
  EXPECT_FALSE(fs::exists(target));
  writer.commit();
  EXPECT_EQ(listing(), std::vector<std::string>{"out.bin"});
  EXPECT_EQ(as_text(read_file(target)), "hello, tessera");
  testing::expect_error([&] { writer.write(as_bytes("more")); },
                        {.input = target.string(), .contains = "write after commit"});
}

TEST_F(FileIo, UncommittedWriterLeavesNothingBehind) {
  {
    OutputFile writer(folder_ / "out.bin");
    writer.write(as_bytes("partial"));
  }
  EXPECT_TRUE(listing().empty());
}

TEST_F(FileIo, ExistingTargetIsReplacedOnlyOnCommit) {
  const fs::path target = folder_ / "model.tsz";
  write_file(target, as_bytes("old"));
  {
    OutputFile abandoned(target);
    abandoned.write(as_bytes("abandoned"));
  }
  EXPECT_EQ(as_text(read_file(target)), "old");
  OutputFile writer(target);
  writer.write(as_bytes("new content"));
  EXPECT_EQ(as_text(read_file(target)), "old");
  writer.commit();
  EXPECT_EQ(as_text(read_file(target)), "new content");
  EXPECT_EQ(listing(), std::vector<std::string>{"model.tsz"});
}

TEST_F(FileIo, ConcurrentWritersToOneTargetUseDistinctTemporaryFiles) {
  const fs::path target = folder_ / "log.json";
  OutputFile first(target);
  OutputFile second(target);
  EXPECT_EQ(listing().size(), 2u);  // two temporary files
  first.write(as_bytes("first"));
  second.write(as_bytes("second"));
  first.commit();
  second.commit();
  EXPECT_EQ(as_text(read_file(target)), "second");
  EXPECT_EQ(listing(), std::vector<std::string>{"log.json"});
}

TEST_F(FileIo, WritingIntoAMissingFolderThrowsNamingThePath) {
  const fs::path target = folder_ / "missing" / "out.bin";
  testing::expect_error([&] { OutputFile writer(target); },
                        {.input = target.string(), .contains = "No such file or directory"});
  testing::expect_error([&] { write_file(target, as_bytes("x")); },
                        {.input = target.string(), .contains = "cannot create temporary file"});
}

TEST_F(FileIo, ReadFileRoundTripsLargeContentAndNamesMissingFiles) {
  std::vector<std::byte> data(3 * 1024 * 1024 + 7);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 131 % 251);
  const fs::path target = folder_ / "big.bin";
  write_file(target, data);
  EXPECT_EQ(read_file(target), data);
  write_file(target, {});
  EXPECT_TRUE(read_file(target).empty());
  testing::expect_error([&] { read_file(folder_ / "absent.bin"); },
                        {.input = (folder_ / "absent.bin").string(),
                         .contains = "cannot open: No such file or directory"});
  testing::expect_error([&] { read_file(folder_); },
                        {.input = folder_.string(), .contains = "cannot read"});
}

TEST_F(FileIo, ReadFileIntoWantsExactlyTheFileSize) {
  const fs::path target = folder_ / "raw.bin";
  write_file(target, as_bytes("12345678"));
  EXPECT_EQ(regular_file_size(target), 8u);
  std::vector<std::byte> exact(8);
  read_file_into(target, exact);
  EXPECT_EQ(as_text(exact), "12345678");
  std::vector<std::byte> longer(9), shorter(7);
  testing::expect_error([&] { read_file_into(target, longer); },
                        {.input = target.string(), .contains = "ended after 8 of 9 bytes"});
  testing::expect_error([&] { read_file_into(target, shorter); },
                        {.input = target.string(), .contains = "holds more than the 7 bytes"});
  testing::expect_error([&] { (void)regular_file_size(folder_); },
                        {.input = folder_.string(), .contains = "is a folder"});
  testing::expect_error([&] { (void)regular_file_size("/dev/null"); },
                        {.input = "/dev/null", .contains = "not a regular file"});
}

TEST_F(FileIo, ReplacedFileKeepsItsPermissionBitsAndNewFilesFollowTheUmask) {
  const fs::path kept = folder_ / "private.bin";
  write_file(kept, as_bytes("old"));
  ASSERT_EQ(::chmod(kept.c_str(), 0640), 0);
  write_file(kept, as_bytes("new"));
  EXPECT_EQ(fs::status(kept).permissions(), fs::perms(0640));
  const mode_t umask_was = ::umask(022);
  write_file(folder_ / "fresh.bin", as_bytes("x"));
  ::umask(umask_was);
  EXPECT_EQ(fs::status(folder_ / "fresh.bin").permissions(), fs::perms(0644));
}

TEST_F(FileIo, SymbolicLinksAreFollowedAndStayLinks) {
  const fs::path data = folder_ / "data.bin";
  write_file(data, as_bytes("old"));
  fs::create_symlink("data.bin", folder_ / "link.bin");
  fs::create_symlink("link.bin", folder_ / "link2.bin");
  write_file(folder_ / "link2.bin", as_bytes("through two links"));
  EXPECT_TRUE(fs::is_symlink(folder_ / "link.bin"));
  EXPECT_TRUE(fs::is_symlink(folder_ / "link2.bin"));
  EXPECT_EQ(as_text(read_file(data)), "through two links");
  fs::create_symlink("not-yet.bin", folder_ / "dangling.bin");
  write_file(folder_ / "dangling.bin", as_bytes("created"));
  EXPECT_TRUE(fs::is_symlink(folder_ / "dangling.bin"));
  EXPECT_EQ(as_text(read_file(folder_ / "not-yet.bin")), "created");
  fs::create_symlink("loop.bin", folder_ / "loop.bin");
  testing::expect_error([&] { write_file(folder_ / "loop.bin", as_bytes("x")); },
                        {.input = (folder_ / "loop.bin").string(),
                         .contains = "cannot stat: Too many levels of symbolic links"});
}

TEST_F(FileIo, FifoIsWrittenInPlace) {
  const fs::path fifo = folder_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = as_text(read_file(fifo)); });
  {
    OutputFile out(fifo);
    EXPECT_TRUE(out.in_place());
    out.write(as_bytes("streamed "));
    out.write(as_bytes("in place"));
    out.commit();
  }
  reader.join();
  EXPECT_EQ(received, "streamed in place");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(listing(), std::vector<std::string>{"pipe"});
}

TEST_F(FileIo, CharacterDeviceIsWrittenInPlaceAndOtherKindsAreRefused) {
  write_file("/dev/null", as_bytes("discarded"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  fs::create_symlink("/dev/null", folder_ / "null");
  write_file(folder_ / "null", as_bytes("discarded"));
  EXPECT_TRUE(fs::is_symlink(folder_ / "null"));
  testing::expect_error([&] { OutputFile out(folder_); },
                        {.input = folder_.string(), .contains = "is a folder"});
  EXPECT_EQ(listing(), std::vector<std::string>{"null"});
}

// Another user's read-only file in a world-writable folder: the folder would allow the rename, the
// file's mode forbids writing it. As root, a child process tries as the user nobody.
TEST_F(FileIo, FileThatMayNotBeWrittenIsNotReplaced) {
  const fs::path target = folder_ / "read-only.bin";
  write_file(target, as_bytes("keep me"));
  ASSERT_EQ(::chmod(target.c_str(), 0444), 0);
  ASSERT_EQ(::chmod(folder_.c_str(), 0777), 0);
  const auto attempt = [&] { write_file(target, as_bytes("x")); };
  if (::geteuid() != 0) {
    testing::expect_error(
        attempt, {.input = target.string(), .contains = "cannot replace: Permission denied"});
  } else {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      constexpr uid_t kNobody = 65534;
      if (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) ::_exit(3);
      try {
        attempt();
        ::_exit(1);
      } catch (const Error& e) {
        ::_exit(std::string_view(e.what()).find("cannot replace: Permission denied") ==
                        std::string_view::npos
                    ? 2
                    : 0);
      }
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: replaced, 2: another error, 3: cannot become nobody";
  }
  EXPECT_EQ(as_text(read_file(target)), "keep me");
  EXPECT_EQ(listing(), std::vector<std::string>{"read-only.bin"});
}

TEST_F(FileIo, SameFileComparesInodesAfterLinksAndPathsOtherwise) {
  const fs::path data = folder_ / "data.bin";
  write_file(data, as_bytes("x"));
  fs::create_symlink("data.bin", folder_ / "link.bin");
  fs::create_hard_link(data, folder_ / "hard.bin");
  EXPECT_TRUE(same_file(data, folder_ / "link.bin"));
  EXPECT_TRUE(same_file(folder_ / "hard.bin", folder_ / "link.bin"));
  EXPECT_TRUE(same_file(data, folder_ / "." / "sub" / ".." / "data.bin"));
  EXPECT_TRUE(same_file(folder_ / "new.bin", folder_ / "." / "new.bin"));
  const fs::path here = fs::current_path();
  fs::current_path(folder_);
  EXPECT_TRUE(same_file("new.bin", "./new.bin"));
  fs::current_path(here);
  fs::create_symlink("new.bin", folder_ / "to-new.bin");
  EXPECT_TRUE(same_file(folder_ / "new.bin", folder_ / "to-new.bin"));
  EXPECT_FALSE(same_file(data, folder_ / "new.bin"));
  EXPECT_FALSE(same_file("-", data));
  EXPECT_TRUE(same_file("-", "-"));
}

// The child writes into a temporary file, then a signal stops it: the file must be gone, and the
// child must have ended by that signal.
TEST_F(FileIo, TerminatingSignalsRemoveTemporaryFiles) {
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      remove_temp_files_on_signals();
      OutputFile first(folder_ / "first.bin");
      OutputFile second(folder_ / "second.bin");
      first.write(as_bytes("partial"));
      ::raise(signal_number);
      ::_exit(0);  // not reached
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "signal " << signal_number;
    EXPECT_EQ(WTERMSIG(status), signal_number);
    EXPECT_TRUE(listing().empty()) << "signal " << signal_number << ": " << listing().front();
  }
}

TEST_F(FileIo, IgnoredSignalStaysIgnored) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGHUP, SIG_IGN);
    remove_temp_files_on_signals();
    OutputFile out(folder_ / "out.bin");
    ::raise(SIGHUP);
    out.write(as_bytes("done"));
    out.commit();
    ::_exit(7);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
  EXPECT_EQ(listing(), std::vector<std::string>{"out.bin"});
}

}  // namespace
}  // namespace tessera
