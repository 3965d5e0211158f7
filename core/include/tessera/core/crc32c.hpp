// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of tessera's on-disk formats.
// One entry point picks the SSE4.2 instruction when the CPU has it and a portable table otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tessera {

/// CRC32C of `bytes`, continuing from `previous`, the CRC32C of the bytes before them (0 to start):
/// crc32c(b, crc32c(a)) == crc32c(a followed by b). Uses SSE4.2 when the CPU supports it.
std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t previous = 0);

/// Same result as crc32c, computed with slicing-by-8 tables on any CPU.
std::uint32_t crc32c_portable(std::span<const std::byte> bytes, std::uint32_t previous = 0);

/// True when this CPU has the SSE4.2 CRC32 instruction (so crc32c_sse42 may be called).
bool crc32c_sse42_supported();

/// Same result as crc32c, computed with the SSE4.2 CRC32 instruction. Call only when
/// crc32c_sse42_supported() is true: elsewhere the instruction faults (or, off x86-64, this
/// throws).
std::uint32_t crc32c_sse42(std::span<const std::byte> bytes, std::uint32_t previous = 0);

}  // namespace tessera
