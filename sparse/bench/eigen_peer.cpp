// Eigen 3.4 as a peer (peers.hpp): Map of the CSR arrays copied into a SparseMatrix, products by
// operator*, the CSC copy by assignment to a column-major SparseMatrix, setFromTriplets.
#include <Eigen/SparseCore>
#include <vector>

#include "peers.hpp"

namespace tessera::sparse::bench {
namespace {

using Csr = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;
using Csc = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;
using DenseRows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class EigenPeer final : public Peer {
 public:
  EigenPeer(const SparseTensor& a, const SparseTensor& coo) {
    const auto v = coo.values_as<double>();
    triplets_.reserve(v.size());
    for (std::size_t k = 0; k < v.size(); ++k) {
      triplets_.emplace_back(static_cast<int>(coo.levels[0].crd[k]),
                             static_cast<int>(coo.levels[1].crd[k]), v[k]);
    }
    const auto& pos = a.levels[1].pos;
    const auto& crd = a.levels[1].crd;
    std::vector<int> outer(pos.begin(), pos.end()), inner(crd.begin(), crd.end());
    const auto values = a.values_as<double>();
    matrix_ = Eigen::Map<const Csr>(a.dims[0], a.dims[1], static_cast<Eigen::Index>(crd.size()),
                                    outer.data(), inner.data(), values.data());
    matrix_.makeCompressed();
  }
  void spmv(const double* x, double* y) override {
    Eigen::Map<Eigen::VectorXd>(y, matrix_.rows()).noalias() =
        matrix_ * Eigen::Map<const Eigen::VectorXd>(x, matrix_.cols());
  }
  void spmm(const double* b, std::size_t k, double* c) override {
    const auto n = static_cast<Eigen::Index>(k);
    Eigen::Map<DenseRows>(c, matrix_.rows(), n).noalias() =
        matrix_ * Eigen::Map<const DenseRows>(b, matrix_.cols(), n);
  }
  void to_csc() override { csc_ = matrix_; }
  void from_triplets() override {
    built_.resize(matrix_.rows(), matrix_.cols());
    built_.setFromTriplets(triplets_.begin(), triplets_.end());
  }

 private:
  Csr matrix_;
  Csc csc_;
  Csr built_;
  std::vector<Eigen::Triplet<double, int>> triplets_;
};

}  // namespace

std::unique_ptr<Peer> eigen_peer(const SparseTensor& csr, const SparseTensor& coo) {
  Eigen::setNbThreads(1);
  return std::make_unique<EigenPeer>(csr, coo);
}

}  // namespace tessera::sparse::bench
