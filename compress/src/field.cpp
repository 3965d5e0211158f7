// Field construction, shape validation and typed access.
#include "tessera/compress/field.hpp"

#include <fmt/format.h>

#include <limits>
#include <utility>

#include "tessera/core/error.hpp"

namespace tessera::compress {

std::string_view to_string(DataType type) { return type == DataType::kFloat64 ? "f64" : "f32"; }

std::size_t element_bytes(DataType type) { return type == DataType::kFloat64 ? 8 : 4; }

namespace {
std::size_t product(const std::vector<std::size_t>& shape) {
  std::size_t n = shape.empty() ? 0 : 1;
  for (std::size_t d : shape) n *= d;
  return n;
}
}  // namespace

std::size_t Field::size() const { return product(shape); }

template <class T>
std::span<const T> Field::values() const {
  return FieldView(*this).values<T>();
}

template <class T>
std::span<T> Field::values() {
  const auto view = std::as_const(*this).values<T>();
  return {const_cast<T*>(view.data()), view.size()};
}

FieldView::FieldView(const Field& field)
    : FieldView(field.name, field.type, field.shape, field.bytes.span(), field.fill_value) {}

FieldView::FieldView(std::string name_, DataType type_, std::vector<std::size_t> shape_,
                     std::span<const std::byte> bytes_, std::optional<double> fill_value_)
    : name(std::move(name_)),
      type(type_),
      shape(std::move(shape_)),
      bytes(bytes_),
      fill_value(fill_value_) {
  if (bytes.size() != product(shape) * element_bytes(type)) {
    throw Error(name, fmt::format("holds {} bytes, but {} {} values need {}", bytes.size(),
                                  shape_string(shape), to_string(type),
                                  product(shape) * element_bytes(type)));
  }
}

std::size_t FieldView::size() const { return product(shape); }

template <class T>
std::span<const T> FieldView::values() const {
  if (type != data_type_of<T>()) {
    throw Error(name, "holds " + std::string(to_string(type)) + " values, not " +
                          std::string(to_string(data_type_of<T>())));
  }
  return {reinterpret_cast<const T*>(bytes.data()), size()};
}

template std::span<const float> Field::values<float>() const;
template std::span<const double> Field::values<double>() const;
template std::span<float> Field::values<float>();
template std::span<double> Field::values<double>();
template std::span<const float> FieldView::values<float>() const;
template std::span<const double> FieldView::values<double>() const;

void check_shape(const std::string& name, const std::vector<std::size_t>& shape) {
  if (shape.empty() || shape.size() > 4) {
    throw usage_error(name, "needs 1 to 4 dimensions, got " + std::to_string(shape.size()));
  }
  std::size_t n = 1;
  for (std::size_t d : shape) {
    if (d == 0) throw usage_error(name, "has a zero dimension (" + shape_string(shape) + ")");
    if (n > std::numeric_limits<std::size_t>::max() / d / 8) {
      throw usage_error(name, "shape " + shape_string(shape) + " is too large");
    }
    n *= d;
  }
}

Field make_field(std::string name, DataType type, std::vector<std::size_t> shape) {
  check_shape(name, shape);
  Field field;
  field.name = std::move(name);
  field.type = type;
  field.shape = std::move(shape);
  field.bytes = AlignedBuffer<std::byte>(product(field.shape) * element_bytes(type));
  return field;
}

std::string shape_string(std::span<const std::size_t> shape) {
  return fmt::format("{}", fmt::join(shape, "x"));
}

}  // namespace tessera::compress
