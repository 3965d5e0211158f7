// POSIX implementation of the output writer (in place or through a renamed temporary file), whole
// and exact-size file reads, and same-file tests by device and inode.
#include "tessera/core/file_io.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>

#include "tessera/core/error.hpp"
#include "tessera/core/temp_files.hpp"

namespace tessera {

namespace {

constexpr int kMaxTempAttempts = 1000;  // temporary names "<target>.tmp-<pid>-<n>" tried, n < this
constexpr int kMaxLinkHops = 40;        // symbolic links followed, as many as Linux follows
constexpr mode_t kNewFileMode = 0666;   // before the umask, as for any newly created file
// Names of standard output that are written as "-" is: its descriptor, with the offset and append
// mode the shell gave it (opening them anew would start a regular file at offset 0).
constexpr std::array<std::string_view, 4> kStandardOutputNames = {"-", "/dev/stdout", "/dev/fd/1",
                                                                  "/proc/self/fd/1"};

/// Error naming `name`: "<action>[ <other>]: <the system's reason>". Call it straight after the
/// failing system call: it reads errno before anything else can change it.
Error os_error(const std::string& name, std::string_view action,
               const std::filesystem::path& other = {}) {
  const std::string reason = std::system_category().message(errno);
  const std::string what =
      other.empty() ? std::string(action) : fmt::format("{} {}", action, other.string());
  return Error(name, fmt::format("{}: {}", what, reason));
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
  if (fd.get() < 0) throw os_error(path.string(), "cannot open");
  return fd;
}

struct stat stat_of(const UniqueFd& fd, const std::filesystem::path& path) {
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) throw os_error(path.string(), "cannot stat");
  return info;
}

/// Reads into `out` until it is full or the file ends; returns the bytes read.
std::size_t read_up_to(const UniqueFd& fd, const std::filesystem::path& path,
                       std::span<std::byte> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    const ssize_t got = retry_interrupted(
        [&] { return ::read(fd.get(), out.data() + filled, out.size() - filled); });
    if (got < 0) throw os_error(path.string(), "cannot read");
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  return filled;
}

/// The path a chain of symbolic links ends at, for a path that does not exist: a link to a missing
/// file names the file to create.
std::filesystem::path follow_links(const std::filesystem::path& path) {
  std::filesystem::path current = path;
  for (int hop = 0; hop < kMaxLinkHops; ++hop) {
    struct stat info {};
    if (::lstat(current.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) return current;
    std::string link(static_cast<std::size_t>(info.st_size) + 1, '\0');
    const ssize_t length = ::readlink(current.c_str(), link.data(), link.size());
    if (length < 0) throw os_error(path.string(), "cannot read the symbolic link", current);
    link.resize(static_cast<std::size_t>(length));
    current = current.parent_path() / std::filesystem::path(link);  // an absolute link replaces
  }
  throw Error(path.string(), fmt::format("more than {} symbolic links to follow", kMaxLinkHops));
}

/// Why a file of type `mode` cannot be an output, or nullptr if it can.
const char* refusal(mode_t mode) {
  if (S_ISDIR(mode)) return "is a folder";
  if (S_ISBLK(mode)) return "is a block device: tessera does not write to disks directly";
  if (S_ISSOCK(mode)) return "is a socket";
  return nullptr;
}

}  // namespace

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

OutputFile::OutputFile(const std::filesystem::path& path)
    : name_(path == "-" ? "stdout" : path.string()) {
  if (std::ranges::find(kStandardOutputNames, path.native()) != kStandardOutputNames.end()) {
    std::cout.flush();  // what was printed before stays in order
    std::fflush(stdout);
    fd_ = STDOUT_FILENO;
    return;
  }
  struct stat info {};
  const bool exists = ::stat(path.c_str(), &info) == 0;
  if (exists) {
    if (const char* why = refusal(info.st_mode)) throw Error(name_, why);
    if (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode)) {
      owned_ = UniqueFd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
      if (owned_.get() < 0) throw os_error(name_, "cannot open");
      fd_ = owned_.get();
      return;
    }
    if (::access(path.c_str(), W_OK) != 0) throw os_error(name_, "cannot replace");
    char resolved[PATH_MAX];  // the file itself, every link followed
    if (::realpath(path.c_str(), resolved) == nullptr) throw os_error(name_, "cannot resolve");
    target_ = resolved;
  } else if (errno == ENOENT) {
    target_ = follow_links(path);  // a link to a missing file names the file to create
  } else {
    throw os_error(name_, "cannot stat");
  }
  const std::string prefix = fmt::format("{}.tmp-{}-", target_.string(), ::getpid());
  for (int attempt = 0; attempt < kMaxTempAttempts && fd_ < 0; ++attempt) {
    std::filesystem::path candidate = prefix + std::to_string(attempt);
    // Registered before it exists, so that no signal can come between its creation and its
    // registration; the name holds this process's id, so no other process creates it.
    registration_ = std::make_unique<TempFileRegistration>(candidate);
    UniqueFd fd(::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kNewFileMode));
    if (fd.get() < 0) {
      if (errno != EEXIST) throw os_error(name_, "cannot create temporary file", candidate);
      continue;
    }
    temp_ = std::move(candidate);
    owned_ = std::move(fd);
    fd_ = owned_.get();
  }
  if (fd_ < 0) {
    throw Error(name_, fmt::format("cannot create temporary file: {}0 to {}{} all exist", prefix,
                                   prefix, kMaxTempAttempts - 1));
  }
  if (exists && ::fchmod(fd_, info.st_mode & 0777) != 0) {
    const Error error = os_error(name_, "cannot set the mode of temporary file", temp_);
    ::unlink(temp_.c_str());
    throw error;
  }
}

OutputFile::~OutputFile() {
  // Remove before leaving the registry, so that a signal in between finds the file registered.
  if (!in_place() && !done_) ::unlink(temp_.c_str());
}

void OutputFile::write(std::span<const std::byte> bytes) {
  if (done_) throw Error(name_, "write after commit");
  while (!bytes.empty()) {
    const ssize_t written =
        retry_interrupted([&] { return ::write(fd_, bytes.data(), bytes.size()); });
    if (written < 0) {
      throw in_place() ? os_error(name_, "cannot write")
                       : os_error(name_, "cannot write temporary file", temp_);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
}

void OutputFile::commit() {
  if (done_) throw Error(name_, "commit after commit");
  if (in_place()) {
    done_ = true;
    return;
  }
  if (::fsync(fd_) != 0) throw os_error(name_, "cannot flush temporary file", temp_);
  if (::close(owned_.release()) != 0) throw os_error(name_, "cannot close temporary file", temp_);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    throw os_error(name_, "cannot move into place temporary file", temp_);
  }
  done_ = true;
  // Make the rename itself durable. Best effort: some file systems cannot sync a folder.
  const auto folder = target_.has_parent_path() ? target_.parent_path() : ".";
  const UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
}

void write_file(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  OutputFile output(path);
  output.write(bytes);
  output.commit();
}

std::vector<std::byte> read_file(const std::filesystem::path& path) {
  const UniqueFd fd = open_for_reading(path);
  // One spare byte past the stat size: a regular file takes one more read() to reach end of file,
  // and files whose size is unknown or changing (pipes, /proc) grow the buffer as needed.
  std::vector<std::byte> bytes(static_cast<std::size_t>(stat_of(fd, path).st_size) + 1);
  std::size_t filled = 0;
  for (;;) {
    if (filled == bytes.size()) bytes.resize(bytes.size() * 2);
    const std::size_t got = read_up_to(fd, path, std::span(bytes).subspan(filled));
    filled += got;
    if (filled < bytes.size()) break;
  }
  bytes.resize(filled);
  return bytes;
}

std::size_t regular_file_size(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw os_error(path.string(), "cannot open");
  if (S_ISDIR(info.st_mode)) throw Error(path.string(), "is a folder");
  if (!S_ISREG(info.st_mode)) throw Error(path.string(), "is not a regular file");
  return static_cast<std::size_t>(info.st_size);
}

void read_file_into(const std::filesystem::path& path, std::span<std::byte> out) {
  const UniqueFd fd = open_for_reading(path);
  std::byte extra{};
  const std::size_t got = read_up_to(fd, path, out);
  if (got < out.size()) {
    throw Error(path.string(), fmt::format("ended after {} of {} bytes (did it shrink while "
                                           "it was read?)",
                                           got, out.size()));
  }
  if (read_up_to(fd, path, std::span(&extra, 1)) != 0) {
    throw Error(path.string(),
                fmt::format("holds more than the {} bytes expected (did it grow while it was "
                            "read?)",
                            out.size()));
  }
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  if (a == "-" || b == "-") return a == b;
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0) {
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  std::error_code ea, eb;  // absolute first: weakly_canonical leaves a relative path relative
  const auto ca = std::filesystem::weakly_canonical(std::filesystem::absolute(follow_links(a)), ea);
  const auto cb = std::filesystem::weakly_canonical(std::filesystem::absolute(follow_links(b)), eb);
  return !ea && !eb && ca == cb;
}

}  // namespace tessera
