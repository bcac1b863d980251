/// @file init.cpp
/// @brief Parameter initialisation (SPEC section 1) from the seed's own Philox stream.
#include <cmath>

#include "core/model.hpp"
#include "kernels/philox.hpp"

namespace gfs::detail {
namespace {

/// Sequential uniforms of one subsequence of the init stream (one subsequence per block).
class InitStream {
 public:
  InitStream(std::uint64_t seed, std::uint64_t block) : seed_(seed), sub_(kern::kInitStream + block) {}
  double uniform() { return kern::uint_to_uniform(word()); }  // (0, 1]
  double normal() {                                           // Box-Muller
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint32_t word() {
    if ((index_ & 3U) == 0) block_ = kern::philox_block(seed_, sub_, index_ >> 2);
    return block_.v[index_++ & 3U];
  }
  std::uint64_t seed_, sub_, index_ = 0;
  kern::Philox4 block_{};
};

template <typename Fill>
void fill(std::vector<float>& v, Fill&& f) {
  for (float& x : v) x = static_cast<float>(f());
}

}  // namespace

Params<float> initial_params(const ModelShape& shape, std::uint64_t seed) {
  Params<float> p = Params<float>::zeros(shape);
  std::uint64_t block = 0;
  InitStream emb(seed, block++);
  fill(p.embedding, [&] { return emb.normal(); });
  // phi starts at zero: every logit starts at its bias, so no feature is favoured by chance.
  const double bound_mask = 1.0 / std::sqrt(static_cast<double>(shape.embedding_dim));
  InitStream mb(seed, block++);
  fill(p.mask_bias, [&] { return (2.0 * mb.uniform() - 1.0) * bound_mask; });
  for (int l = 0; l < shape.n_layers(); ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(shape.fan_in(l)));
    InitStream w(seed, block++), b(seed, block++);
    fill(p.weight[static_cast<std::size_t>(l)], [&] { return (2.0 * w.uniform() - 1.0) * bound; });
    fill(p.bias[static_cast<std::size_t>(l)], [&] { return (2.0 * b.uniform() - 1.0) * bound; });
  }
  return p;
}

}  // namespace gfs::detail
