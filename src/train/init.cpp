/// @file init.cpp
/// @brief Parameter initialisation (SPEC section 1) from the seed's own Philox stream.
#include <cmath>

#include "kernels/philox.hpp"
#include "train/model.hpp"

namespace gfs::train {
namespace {

/// Sequential uniforms of one subsequence of the init stream (one subsequence per block).
class InitStream {
 public:
  InitStream(std::uint64_t seed, std::uint64_t block, std::uint64_t start = 0)
      : seed_(seed), sub_(kern::kInitStream + block), index_(start) {}
  double uniform() { return kern::uint_to_uniform(word()); }  // (0, 1]
  double normal() {                                           // Box-Muller
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint32_t word() {
    if ((index_ & 3U) == 0 || !loaded_) {
      block_ = kern::philox_block(seed_, sub_, index_ >> 2);
      loaded_ = true;
    }
    return block_.v[index_++ & 3U];
  }
  std::uint64_t seed_, sub_, index_ = 0;
  kern::Philox4 block_{};
  bool loaded_ = false;
};

template <typename Fill>
void fill(Span<float> v, Fill&& f) {
  for (float& x : v) x = static_cast<float>(f());
}

}  // namespace

Params<float> initial_params(const ModelShape& whole, std::uint64_t seed, std::int64_t first, std::int64_t count) {
  ModelShape block = whole;
  block.n_features = count;
  Params<float> p(block);
  const auto f0 = static_cast<std::uint64_t>(first);
  std::uint64_t stream = 0;
  InitStream emb(seed, stream++);
  fill(p.embedding, [&] { return emb.normal(); });
  // phi starts at zero: every logit starts at its bias, so no feature is favoured by chance.
  const double bound_mask = 1.0 / std::sqrt(static_cast<double>(whole.embedding_dim));
  InitStream mb(seed, stream++, f0);
  fill(p.mask_bias, [&] { return (2.0 * mb.uniform() - 1.0) * bound_mask; });
  for (int l = 0; l < whole.n_layers(); ++l) {
    // fan_in of the whole model: a block's W0 rows have the scale of the whole first layer.
    const double bound = 1.0 / std::sqrt(static_cast<double>(whole.fan_in(l)));
    const std::uint64_t start = l == 0 ? f0 * static_cast<std::uint64_t>(whole.fan_out(0)) : 0;
    InitStream w(seed, stream++, start), b(seed, stream++);
    fill(p.weight[static_cast<std::size_t>(l)], [&] { return (2.0 * w.uniform() - 1.0) * bound; });
    fill(p.bias[static_cast<std::size_t>(l)], [&] { return (2.0 * b.uniform() - 1.0) * bound; });
  }
  return p;
}

Params<float> initial_params(const ModelShape& shape, std::uint64_t seed) {
  return initial_params(shape, seed, 0, shape.n_features);
}

}  // namespace gfs::train
