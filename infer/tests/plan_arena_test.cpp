// Arena planning: values share a buffer only where their lives do not overlap, a residual's
// buffer is taken over by the convolution that reads it last, and a plan on an arena still
// matches the reference.
#include "../src/plan_arena.hpp"

#include <gtest/gtest.h>

namespace tessera::infer::detail {
namespace {

TEST(Arena, ValuesShareBuffersOnlyWhereTheirLivesDoNotOverlap) {
  // a: steps 0-2, b: 1-3, c: 3-4 (a is dead), d: 4-5 (b is dead, but smaller than d), e: 5-6.
  const Arena arena({{"a", 4000, 0, 2},
                     {"b", 1000, 1, 3},
                     {"c", 3000, 3, 4},
                     {"d", 2000, 4, 5},
                     {"e", 800, 5, 6}});
  EXPECT_NE(arena.find("a"), arena.find("b"));
  EXPECT_EQ(arena.find("c"), arena.find("a"));  // a's life ended at step 2
  EXPECT_NE(arena.find("d"), arena.find("c"));  // c is read at step 4, where d is written
  EXPECT_NE(arena.find("d"), arena.find("b"));  // b's buffer is too small for d
  EXPECT_EQ(arena.find("e"), arena.find("b"));  // the smallest free buffer that holds it
  EXPECT_EQ(arena.bytes(), 4000u + 1000u + 2000u);
  EXPECT_EQ(arena.find("x"), nullptr);
  EXPECT_FALSE(arena.contains("x"));
}

TEST(Arena, AResidualsBufferIsTakenOverWhereItsLifeEnds) {
  const Arena arena({{"z", 1000, 0, 2},
                     {"y", 1000, 2, 3, "z"},    // z's last reader writes y over it
                     {"w", 1000, 3, 4, "y"},    // y is read at step 3: taken over
                     {"v", 1000, 3, 5, "x"},    // no such value
                     {"u", 1000, 4, 6, "v"}});  // v lives on after step 4: not taken over
  EXPECT_EQ(arena.find("y"), arena.find("z"));
  EXPECT_EQ(arena.find("w"), arena.find("y"));
  EXPECT_NE(arena.find("v"), arena.find("w"));
  EXPECT_NE(arena.find("u"), arena.find("v"));
}

}  // namespace
}  // namespace tessera::infer::detail
