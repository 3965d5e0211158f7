// The cold tier's file (cold_tier_file.hpp): made with mkostemp, unlinked, reserved with
// posix_fallocate and mapped with mmap(MAP_SHARED); read ahead with mincore and madvise.
#include "cold_tier_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::dlrm::detail {
namespace {

// Error naming `directory`: "<action>: <reason for error code `code`>".
Error file_error(const std::filesystem::path& directory, std::string_view action, int code) {
  return Error(directory.string(),
               fmt::format("{}: {}", action, std::system_category().message(code)));
}

}  // namespace

ColdTierFile::ColdTierFile(const std::filesystem::path& directory, std::size_t bytes)
    : size_(bytes) {
  std::string name = (directory / "tessera-cold-tier-XXXXXX").string();
  UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
  if (fd.get() < 0)
    throw file_error(directory, "cannot make the tiered embedding's cold-tier file", errno);
  ::unlink(name.c_str());
  const int reserved = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(bytes));
  if (reserved != 0)
    throw file_error(directory, fmt::format("cannot reserve {} bytes for the cold tier", bytes),
                     reserved);
  void* data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (data == MAP_FAILED) throw file_error(directory, "cannot map the cold-tier file", errno);
  data_ = static_cast<std::byte*>(data);
}

ColdTierFile::~ColdTierFile() { ::munmap(data_, size_); }

void ColdTierFile::will_need(std::span<const std::size_t> pages) const {
  if (pages.empty()) return;
  const std::size_t page = page_size(), first = pages.front();
  std::vector<unsigned char> in_memory(pages.back() - first + 1);
  if (::mincore(data_ + first * page, in_memory.size() * page, in_memory.data()) != 0) return;
  const auto missing = [&](std::size_t p) { return (in_memory[p - first] & 1) == 0; };
  for (std::size_t k = 0, end = 0; k < pages.size(); k = end) {
    end = k + 1;
    if (!missing(pages[k])) continue;
    while (end < pages.size() && pages[end] == pages[end - 1] + 1 && missing(pages[end])) ++end;
    ::madvise(data_ + pages[k] * page, (end - k) * page, MADV_WILLNEED);
  }
}

std::size_t ColdTierFile::page_size() {
  static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace tessera::dlrm::detail
