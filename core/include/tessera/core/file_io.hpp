// Whole-file I/O for tessera's on-disk formats: atomic replacement (readers never see a partial
// file under the target name), read-only memory mapping, and read/write convenience functions.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
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

/// Writes a file under a temporary name in the target's folder ("<target>.tmp-<pid>-<n>", created
/// exclusively) and renames it over the target on commit(). Destroying the writer without a
/// successful commit removes the temporary file, so the target is either untouched or complete.
/// Errors throw tessera::Error naming the target path and the system's reason.
class AtomicFileWriter {
 public:
  /// Creates the temporary file; throws if the folder is missing or not writable.
  explicit AtomicFileWriter(std::filesystem::path target);
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  /// Appends all of `bytes` to the temporary file (retrying short and interrupted writes).
  void write(std::span<const std::byte> bytes);
  /// Flushes the data to disk, closes the file and renames it to the target, replacing any existing
  /// file, then flushes the folder entry. No write or commit may follow.
  void commit();

  /// The path the data appears under after commit().
  const std::filesystem::path& target() const noexcept { return target_; }
  /// The temporary file's path.
  const std::filesystem::path& temp_path() const noexcept { return temp_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  UniqueFd fd_;
  bool committed_ = false;
};

/// Read-only memory map of a whole regular file; move-only. An empty file maps to an empty span.
/// The bytes stay valid while the object lives; another process shrinking the file meanwhile makes
/// reads past its new end fault (SIGBUS), so map only files that are replaced atomically.
class MappedFile {
 public:
  /// Maps `path`; throws tessera::Error naming the path if it cannot be opened or mapped.
  explicit MappedFile(std::filesystem::path path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile other) noexcept;

  /// The file's bytes (empty for an empty or moved-from file).
  std::span<const std::byte> bytes() const noexcept {
    return {static_cast<const std::byte*>(address_), size_};
  }
  /// The mapped file's path.
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  void* address_ = nullptr;
  std::size_t size_ = 0;
};

/// The whole content of the file at `path`; throws tessera::Error naming the path on failure.
std::vector<std::byte> read_file(const std::filesystem::path& path);

/// Replaces the file at `path` with `bytes` atomically (via AtomicFileWriter).
void write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes);

}  // namespace tessera
