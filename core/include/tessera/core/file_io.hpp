// Whole-file I/O for tessera's inputs and outputs. OutputFile is the one way every command writes:
// a replaced file is never seen half written, a FIFO or terminal is written in place, and nothing
// that is not the user's data file (a folder, a device, a read-only file) is ever replaced.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace tessera {

/// Owns a POSIX file descriptor (-1 for none) and closes it on destruction; move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }

  /// The descriptor, still owned; -1 for none.
  int get() const noexcept { return fd_; }
  /// Gives up ownership without closing; returns the descriptor.
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

class TempFileRegistration;

/// An output named by the user. What `path` names decides how it is written:
/// - "-" (or /dev/stdout, /dev/fd/1): standard output's descriptor, written in place after
///   flushing std::cout;
/// - a FIFO or a character device (a terminal, /dev/null): opened and written in place;
/// - a regular file, or a path that does not exist yet: written to "<file>.tmp-<pid>-<n>" in the
///   same folder (created exclusively and registered in temp_files.hpp) and renamed over the file
///   by commit(), so that the file is either untouched or complete. A new file gets mode
///   0666 & ~umask; a replaced file keeps its permission bits (not set-user-ID or set-group-ID) and
///   becomes the writer's, and a hard link to it keeps the old content;
/// - anything else is refused: a folder, a block device, a socket, and an existing file that the
///   process may not write (the folder's permission to rename over it is not enough).
/// A symbolic link is followed (also one that points to a path that does not exist yet, and the
/// links of /proc/self/fd), and what it points to is written as above. Destroying the object
/// without commit() removes the temporary file; what was written in place stays written. Errors
/// throw tessera::Error naming `path`.
class OutputFile {
 public:
  /// Opens the output, or creates its temporary file.
  explicit OutputFile(const std::filesystem::path& path);
  /// Removes the temporary file unless commit() succeeded.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// Appends all of `bytes` (retrying short and interrupted writes).
  void write(std::span<const std::byte> bytes);
  /// Completes the output: a temporary file is flushed to disk, renamed over the target and its
  /// folder entry flushed. No write or commit may follow.
  void commit();

  /// "stdout" or the path as given, for messages.
  const std::string& name() const noexcept { return name_; }
  /// Whether the output is written in place (standard output, a FIFO, a character device).
  bool in_place() const noexcept { return temp_.empty(); }

 private:
  std::string name_;
  std::filesystem::path target_;  // the file renamed over, after following links
  std::filesystem::path temp_;    // empty when written in place
  std::unique_ptr<TempFileRegistration> registration_;
  UniqueFd owned_;  // the descriptor, unless it is standard output's
  int fd_ = -1;
  bool done_ = false;
};

/// Writes `bytes` to the output `path` through an OutputFile and commits it.
void write_file(const std::filesystem::path& path, std::span<const std::byte> bytes);

/// The whole content of the file at `path`; throws tessera::Error naming the path on failure.
std::vector<std::byte> read_file(const std::filesystem::path& path);

/// The size in bytes of the regular file at `path` (links followed); tessera::Error naming the path
/// if it is missing or not a regular file.
std::size_t regular_file_size(const std::filesystem::path& path);

/// Reads the file at `path` into `out`, which must be exactly its size: an error names the path if
/// the file holds fewer or more bytes (for instance because it changed while it was read).
void read_file_into(const std::filesystem::path& path, std::span<std::byte> out);

/// Whether `a` and `b` name the same file: the same device and inode after following links where
/// both exist, otherwise the same absolute path once links and "." and ".." are resolved. "-"
/// (standard input or output) is never the same file as a path.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace tessera
