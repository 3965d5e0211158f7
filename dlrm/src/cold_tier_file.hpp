// The tiered embedding store's cold tier: a file of fixed size on disk, mapped shared into memory,
// whose name is removed as soon as it is made, so that the file goes with the mapping (and with
// the process, however it ends). Its blocks are reserved up front: a full disk is an error here,
// not a SIGBUS at the first write to the mapping.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

namespace tessera::dlrm::detail {

class ColdTierFile {
 public:
  /// `bytes` zero bytes (bytes >= 1) in a new file in `directory`. tessera::Error naming the
  /// folder when the file cannot be made, reserved or mapped.
  ColdTierFile(const std::filesystem::path& directory, std::size_t bytes);
  ~ColdTierFile();
  ColdTierFile(const ColdTierFile&) = delete;
  ColdTierFile& operator=(const ColdTierFile&) = delete;

  std::span<std::byte> bytes() const { return {data_, size_}; }

  /// Asks the kernel to read ahead those of `pages` (page numbers, ascending and distinct) that
  /// are not in memory (mincore, then MADV_WILLNEED on each run of them): a hint, whose failures
  /// are ignored. Pages in memory cost no system call but the one mincore.
  void will_need(std::span<const std::size_t> pages) const;

  /// The size of the pages that will_need reads.
  static std::size_t page_size();

 private:
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tessera::dlrm::detail
