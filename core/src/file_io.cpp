// POSIX implementation of atomic file replacement, read-only memory maps and whole-file reads.
#include "tessera/core/file_io.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "tessera/core/error.hpp"

namespace tessera {

namespace {

constexpr int kMaxTempAttempts = 1000;  // temporary names "<target>.tmp-<pid>-<n>" tried, n < this
constexpr mode_t kNewFileMode = 0666;   // before the umask, as for any newly created file

/// Error naming `path`: "<action>[ <other>]: <the system's reason>". Call it straight after the
/// failing system call: it reads errno before anything else can change it.
Error os_error(const std::filesystem::path& path, std::string_view action,
               const std::filesystem::path& other = {}) {
  const std::string reason = std::system_category().message(errno);
  const std::string what =
      other.empty() ? std::string(action) : fmt::format("{} {}", action, other.string());
  return Error(path.string(), fmt::format("{}: {}", what, reason));
}

/// Runs `call` (a read or write returning a byte count or -1) again while it fails with EINTR.
template <typename Call>
ssize_t retry_interrupted(Call call) {
  ssize_t result = 0;
  do {
    result = call();
  } while (result < 0 && errno == EINTR);
  return result;
}

UniqueFd open_for_reading(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw os_error(path, "cannot open");
  return fd;
}

struct stat stat_of(const UniqueFd& fd, const std::filesystem::path& path) {
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) throw os_error(path, "cannot stat");
  return info;
}

}  // namespace

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

AtomicFileWriter::AtomicFileWriter(std::filesystem::path target) : target_(std::move(target)) {
  const std::string prefix = fmt::format("{}.tmp-{}-", target_.string(), ::getpid());
  for (int attempt = 0; attempt < kMaxTempAttempts; ++attempt) {
    std::filesystem::path candidate = prefix + std::to_string(attempt);
    UniqueFd fd(::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kNewFileMode));
    if (fd.get() >= 0) {
      temp_ = std::move(candidate);
      fd_ = std::move(fd);
      return;
    }
    if (errno != EEXIST) throw os_error(target_, "cannot create temporary file", candidate);
  }
  throw Error(target_.string(), fmt::format("cannot create temporary file: {}0 to {}{} all exist",
                                            prefix, prefix, kMaxTempAttempts - 1));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) {
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
  }
}

void AtomicFileWriter::write(std::span<const std::byte> bytes) {
  if (fd_.get() < 0) throw Error(target_.string(), "write after commit");
  while (!bytes.empty()) {
    const ssize_t written =
        retry_interrupted([&] { return ::write(fd_.get(), bytes.data(), bytes.size()); });
    if (written < 0) throw os_error(target_, "cannot write temporary file", temp_);
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
}

void AtomicFileWriter::commit() {
  if (fd_.get() < 0) throw Error(target_.string(), "commit after commit");
  if (::fsync(fd_.get()) != 0) throw os_error(target_, "cannot flush temporary file", temp_);
  if (::close(fd_.release()) != 0) throw os_error(target_, "cannot close temporary file", temp_);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    throw os_error(target_, "cannot move into place temporary file", temp_);
  }
  committed_ = true;
  // Make the rename itself durable. Best effort: some file systems cannot sync a folder.
  const auto folder = target_.has_parent_path() ? target_.parent_path() : ".";
  const UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
}

MappedFile::MappedFile(std::filesystem::path path) : path_(std::move(path)) {
  const UniqueFd fd = open_for_reading(path_);
  const struct stat info = stat_of(fd, path_);
  if (!S_ISREG(info.st_mode)) throw Error(path_.string(), "cannot map: not a regular file");
  if (info.st_size == 0) return;
  const auto size = static_cast<std::size_t>(info.st_size);
  void* const address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (address == MAP_FAILED) throw os_error(path_, "cannot map");
  address_ = address;
  size_ = size;
}

MappedFile::~MappedFile() {
  if (address_ != nullptr) ::munmap(address_, size_);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)),
      address_(std::exchange(other.address_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile other) noexcept {
  std::swap(path_, other.path_);
  std::swap(address_, other.address_);
  std::swap(size_, other.size_);
  return *this;
}

std::vector<std::byte> read_file(const std::filesystem::path& path) {
  const UniqueFd fd = open_for_reading(path);
  // One spare byte past the stat size: a regular file takes one more read() to reach end of file,
  // and files whose size is unknown or changing (pipes, /proc) grow the buffer as needed.
  std::vector<std::byte> bytes(static_cast<std::size_t>(stat_of(fd, path).st_size) + 1);
  std::size_t filled = 0;
  for (;;) {
    if (filled == bytes.size()) bytes.resize(bytes.size() * 2);
    const ssize_t got = retry_interrupted(
        [&] { return ::read(fd.get(), bytes.data() + filled, bytes.size() - filled); });
    if (got < 0) throw os_error(path, "cannot read");
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  bytes.resize(filled);
  return bytes;
}

void write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  AtomicFileWriter writer(path);
  writer.write(bytes);
  writer.commit();
}

}  // namespace tessera
