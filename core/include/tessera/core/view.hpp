// Typed, non-owning views of R-dimensional arrays with shape and strides (in elements).
// Shapes are slowest dimension first (row-major): a matrix A: (M,K) is View2D<float>{a, {M, K}}.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <span>
#include <type_traits>

namespace tessera {

template <class T, std::size_t R>
class View {
  static_assert(R >= 1, "a view has at least one dimension");

 public:
  using Extents = std::array<std::size_t, R>;

  View() = default;
  /// A contiguous row-major view of data with the given shape; the data must outlive the view.
  View(T* data, const Extents& shape) : data_(data), shape_(shape), strides_(row_major(shape)) {}
  /// A strided view: element (i0, .., iR-1) is data[i0*strides[0] + ... + iR-1*strides[R-1]].
  View(T* data, const Extents& shape, const Extents& strides)
      : data_(data), shape_(shape), strides_(strides) {}
  /// A view of const elements from a view of mutable ones.
  template <class U>
  requires(std::is_same_v<const U, T> && !std::is_same_v<U, T>)
      View(const View<U, R>& other)  // NOLINT(google-explicit-constructor): like T* -> const T*
      : data_(other.data()), shape_(other.shape()), strides_(other.strides()) {}

  T* data() const noexcept { return data_; }
  const Extents& shape() const noexcept { return shape_; }
  const Extents& strides() const noexcept { return strides_; }
  std::size_t extent(std::size_t d) const noexcept { return shape_[d]; }
  std::size_t stride(std::size_t d) const noexcept { return strides_[d]; }

  /// Number of elements.
  std::size_t size() const noexcept {
    std::size_t n = 1;
    for (std::size_t e : shape_) n *= e;
    return n;
  }
  bool empty() const noexcept { return size() == 0; }
  /// True when the elements are densely packed in row-major order.
  bool is_contiguous() const noexcept { return strides_ == row_major(shape_); }

  template <class... I>
  requires(sizeof...(I) == R && (std::is_convertible_v<I, std::size_t> && ...)) T& operator()(
      I... index) const noexcept {
    const std::array<std::size_t, R> idx{static_cast<std::size_t>(index)...};
    std::size_t offset = 0;
    for (std::size_t d = 0; d < R; ++d) {
      assert(idx[d] < shape_[d] && "view index out of bounds");
      offset += idx[d] * strides_[d];
    }
    return data_[offset];
  }

  /// The (R-1)-dimensional view at index i of the slowest dimension.
  View<T, R - 1> slice(std::size_t i) const noexcept requires(R > 1) {
    assert(i < shape_[0] && "slice index out of bounds");
    typename View<T, R - 1>::Extents shape{}, strides{};
    for (std::size_t d = 1; d < R; ++d) {
      shape[d - 1] = shape_[d];
      strides[d - 1] = strides_[d];
    }
    return {data_ + i * strides_[0], shape, strides};
  }

  /// Elements as a flat span; only for contiguous views.
  std::span<T> flat() const noexcept {
    assert(is_contiguous() && "flat() needs a contiguous view");
    return {data_, size()};
  }

  /// Row-major strides of a shape.
  static Extents row_major(const Extents& shape) noexcept {
    Extents strides{};
    std::size_t stride = 1;
    for (std::size_t d = R; d-- > 0;) {
      strides[d] = stride;
      stride *= shape[d];
    }
    return strides;
  }

 private:
  T* data_ = nullptr;
  Extents shape_{};
  Extents strides_{};
};

template <class T>
using View1D = View<T, 1>;
template <class T>
using View2D = View<T, 2>;
template <class T>
using View3D = View<T, 3>;

}  // namespace tessera
