// A minimal ZIP reader and writer for .npz files (PKWARE APPNOTE 6.3): members stored or
// deflate-compressed (zlib), found through the central directory, CRC-32 checked on read.
// Multi-disk, encrypted and zip64 archives (members or archives over 4 GiB) are refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::sparse::detail {

/// One member of an archive: its name and its uncompressed bytes.
struct ZipEntry {
  std::string name;
  std::vector<std::byte> data;
};

enum class ZipMethod : std::uint16_t { kStored = 0, kDeflate = 8 };

/// The members of the ZIP archive `bytes`, in central-directory order, decompressed and checked
/// against their CRC-32 (except in fuzzing builds). tessera::Error naming `source` for anything
/// that is not a well-formed archive of stored or deflated members (no end record, truncated or
/// overlapping records, a bad deflate stream, a size or CRC mismatch, a repeated name).
std::vector<ZipEntry> read_zip(std::span<const std::byte> bytes, std::string_view source);

/// The bytes of a ZIP archive of `entries`, each compressed with `method` (deflate at zlib's
/// default level, as Python's zipfile) and dated 1980-01-01 so that output is reproducible.
/// tessera::Error naming `name` when the archive would need zip64 (over 4 GiB or 65535 members).
std::vector<std::byte> write_zip(std::span<const ZipEntry> entries, ZipMethod method,
                                 std::string_view name);

}  // namespace tessera::sparse::detail
