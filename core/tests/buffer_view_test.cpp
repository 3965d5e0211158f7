// AlignedBuffer (alignment, ownership, copies) and View (indexing, strides, slices, const views).
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

#include "tessera/core/buffer.hpp"
#include "tessera/core/view.hpp"

namespace tessera {
namespace {

TEST(AlignedBuffer, IsAlignedAndZeroInitialised) {
  for (std::size_t n : {1u, 3u, 17u, 1000u}) {
    AlignedBuffer<float> b(n);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % AlignedBuffer<float>::kAlignment, 0u);
    EXPECT_EQ(b.size(), n);
    EXPECT_EQ(b.size_bytes(), n * sizeof(float));
    for (float v : b) EXPECT_EQ(v, 0.0f);
  }
}

TEST(AlignedBuffer, EmptyHasNoStorage) {
  AlignedBuffer<double> b(0);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.data(), nullptr);
  EXPECT_TRUE(b.clone().empty());
}

TEST(AlignedBuffer, MoveTransfersOwnershipAndCloneCopies) {
  AlignedBuffer<int> a(5, 7);
  int* storage = a.data();
  AlignedBuffer<int> b = std::move(a);
  EXPECT_EQ(b.data(), storage);
  EXPECT_EQ(b.size(), 5u);
  AlignedBuffer<int> c = b.clone();
  EXPECT_NE(c.data(), b.data());
  c[2] = 1;
  EXPECT_EQ(b[2], 7);
  EXPECT_EQ(std::accumulate(c.begin(), c.end(), 0), 29);
}

TEST(AlignedBuffer, ImpossibleSizeThrowsTesseraError) {
  EXPECT_THROW(AlignedBuffer<double>(std::size_t{1} << 62), Error);
}

TEST(View, RowMajorIndexingMatchesFlatLayout) {
  AlignedBuffer<int> storage(2 * 3 * 4);
  std::iota(storage.begin(), storage.end(), 0);
  View3D<int> v(storage.data(), {2, 3, 4});
  EXPECT_EQ(v.size(), 24u);
  EXPECT_TRUE(v.is_contiguous());
  EXPECT_EQ(v.strides(), (View3D<int>::Extents{12, 4, 1}));
  EXPECT_EQ(v(1, 2, 3), 23);
  EXPECT_EQ(v(1, 0, 2), 14);
  v(0, 1, 1) = -1;
  EXPECT_EQ(storage[5], -1);
}

TEST(View, SliceDropsTheSlowestDimension) {
  AlignedBuffer<int> storage(2 * 3 * 4);
  std::iota(storage.begin(), storage.end(), 0);
  View3D<int> v(storage.data(), {2, 3, 4});
  View2D<int> plane = v.slice(1);
  EXPECT_EQ(plane.shape(), (View2D<int>::Extents{3, 4}));
  EXPECT_EQ(plane(2, 1), 21);
  EXPECT_EQ(plane.slice(0).flat().size(), 4u);
  EXPECT_EQ(plane.slice(0).flat()[0], 12);
}

TEST(View, StridedColumnViewOfAMatrix) {
  AlignedBuffer<float> m(3 * 5);
  std::iota(m.begin(), m.end(), 0.0f);
  // Column 2 of a (3,5) row-major matrix: 3 elements, stride 5.
  View1D<float> column(m.data() + 2, {3}, {5});
  EXPECT_FALSE(column.is_contiguous());
  EXPECT_EQ(column(0), 2.0f);
  EXPECT_EQ(column(2), 12.0f);
}

TEST(View, MutableConvertsToConst) {
  AlignedBuffer<float> m(6, 1.5f);
  View2D<float> a(m.data(), {2, 3});
  View2D<const float> c = a;
  EXPECT_EQ(c.data(), a.data());
  EXPECT_EQ(c(1, 2), 1.5f);
  static_assert(!std::is_convertible_v<View2D<const float>, View2D<float>>);
}

}  // namespace
}  // namespace tessera
