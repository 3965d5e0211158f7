// SHA-256 against the FIPS 180-4 examples, fed whole and in uneven pieces.
#include "tessera/core/sha256.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tessera {
namespace {

std::string sha256_of(std::string_view text, std::size_t piece) {
  Sha256 h;
  for (std::size_t at = 0; at < text.size(); at += piece)
    h.update(std::as_bytes(std::span(text.data() + at, std::min(piece, text.size() - at))));
  return h.hex_digest();
}

TEST(Sha256, MatchesTheStandardsExamples) {
  const std::string million(1'000'000, 'a');
  const struct {
    std::string_view text;
    const char* digest;
  } cases[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {million, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  for (const auto& c : cases) {
    for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{64},
                                    std::size_t{1000}, std::size_t{2'000'000}}) {
      EXPECT_EQ(sha256_of(c.text, piece), c.digest)
          << c.text.size() << " bytes in pieces of " << piece;
    }
  }
}

}  // namespace
}  // namespace tessera
