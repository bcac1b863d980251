// The training contract (src/train/): state export -> import -> continue, column blocks keyed by
// global ids, and the reduce policy joining blocks.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "backends/backends.hpp"
#include "gfs/error.hpp"
#include "step_fixture.hpp"
#include "train/active_set.hpp"
#include "train/backend.hpp"
#include "train/schedule.hpp"

namespace gfs::test {
namespace {

/// A classification problem on `cols` columns (two informative) with the fit's plan.
struct Problem {
  std::int64_t rows = 0, cols = 0;
  std::vector<float> x;
  train::Targets targets;
  train::ModelShape shape;
  train::Plan plan;

  Problem(std::int64_t n, std::int64_t d, unsigned seed) : rows(n), cols(d) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    x.resize(static_cast<std::size_t>(n * d));
    for (float& v : x) v = normal(rng);
    targets.n_outputs = 2;
    targets.class_weight = {1.0F, 1.0F};
    for (std::int64_t i = 0; i < n; ++i)
      targets.labels.push_back(x[static_cast<std::size_t>(i * d + 1)] - x[static_cast<std::size_t>(i * d + d - 2)] > 0);
    shape.n_features = d;
    shape.embedding_dim = 8;
    shape.hidden = {16, 8};
    shape.n_outputs = 2;
    plan.seed = 7;
    plan.epochs = 6;
    plan.batch_size = 16;
    plan.warmup_epochs = 1;
    plan.lambda = 0.5F;
  }

  /// A CPU backend set up on columns `block` from `state`.
  std::unique_ptr<train::Backend> backend(const train::TrainState& state, const train::FeatureBlock& block,
                                          train::Reduce* reduce = nullptr, int threads = 1) const {
    auto b = detail::make_cpu_backend(threads);
    train::TrainSetup s;
    s.x = x.data() + block.first();
    s.n_rows = rows;
    s.features = block;
    s.shape = shape;
    s.shape.n_features = block.count();
    s.targets = &targets;
    s.state = &state;
    s.plan = plan;
    s.reduce = reduce;
    b->setup(s);
    return b;
  }
};

struct Trained {
  std::vector<train::EpochStats> stats;
  std::vector<float> logits;
  train::TrainState state;
};

Trained run(train::Backend& b, const Problem& p, train::Position from, int until) {
  train::Plan plan = p.plan;
  plan.epochs = until;
  train::Schedule schedule(plan, p.rows);
  Trained r;
  train::run_epochs(b, schedule, from, [&](int, float, const train::EpochStats& s) {
    r.stats.push_back(s);
    return true;
  });
  b.read_logits(r.logits);
  b.export_state(r.state);
  return r;
}

TEST(Contract, ExportImportContinueEqualsAnUninterruptedFit) {
  const Problem p(96, 70, 3);
  const train::TrainState fresh(train::initial_params(p.shape, p.plan.seed));
  const auto whole = train::FeatureBlock::whole(p.cols);
  auto straight = p.backend(fresh, whole);
  const Trained all = run(*straight, p, {}, 6);

  auto first = p.backend(fresh, whole);
  const Trained head = run(*first, p, {}, 3);
  EXPECT_EQ(head.state.step, 3 * train::Schedule(p.plan, p.rows).steps_per_epoch());
  // A new backend from the exported state (as a checkpoint would), continuing at epoch 4.
  auto second = p.backend(head.state, whole);
  const Trained tail = run(*second, p, train::Position{3}, 6);
  ASSERT_EQ(tail.stats.size(), 3U);
  EXPECT_EQ(tail.logits, all.logits);
  EXPECT_EQ(tail.state.values.flat, all.state.values.flat);
  EXPECT_EQ(tail.state.moment1.flat, all.state.moment1.flat);
  EXPECT_EQ(tail.state.moment2.flat, all.state.moment2.flat);
  EXPECT_EQ(tail.state.step, all.state.step);
  for (std::size_t e = 0; e < 3; ++e) EXPECT_EQ(tail.stats[e].loss, all.stats[e + 3].loss) << "epoch " << e + 4;

  // import_state on a live backend rewinds it: the same three epochs again give the same bits.
  second->import_state(head.state);
  const Trained again = run(*second, p, train::Position{3}, 6);
  EXPECT_EQ(again.logits, all.logits);
  // A state of another shape is refused.
  Problem other(96, 71, 3);
  EXPECT_THROW(second->import_state(train::TrainState(train::initial_params(other.shape, 1))), Error);
}

TEST(Contract, BlockInitialisationIsTheWholeModelsRows) {
  train::ModelShape whole;
  whole.n_features = 203;
  whole.embedding_dim = 5;
  whole.hidden = {7, 3};
  const train::Params<float> all = train::initial_params(whole, 42);
  const train::Params<float> part = train::initial_params(whole, 42, 61, 90);
  EXPECT_EQ(part.embedding, all.embedding);
  EXPECT_EQ(part.mask_bias, train::Span<const float>(all.mask_bias.data() + 61, 90));
  EXPECT_EQ(part.weight[0], train::Span<const float>(all.weight[0].data() + 61 * 7, 90 * 7));
  EXPECT_EQ(part.weight[1], all.weight[1]);
  EXPECT_EQ(part.bias[2], all.bias[2]);
}

TEST(Contract, ColumnBlockDrawsTheWholeMatrixNoiseForItsColumns) {
  // The production phase A (logits, Philox noise, mask) on a whole workspace and on a block of
  // chunks whose first column is not a multiple of 4 (the noise comes in blocks of 4 columns).
  StepProblem<float> prob(true, 333, 4);
  prob.input.injected_uniforms = nullptr;  // the real Philox stream
  prob.input.seed = 99;
  prob.input.step = 12345;
  detail::Workspace<float> all(prob.shape, prob.input.batch);
  for (int c = 0; c < all.chunks.count; ++c)
    detail::step_detail::mask_and_matmul_chunk(prob.input, prob.params, all, c);
  const train::ColumnChunks chunks(prob.shape.n_features);
  const auto block = train::FeatureBlock::chunks(prob.shape.n_features, 3, 7, prob.shape.n_features);
  ASSERT_NE(block.first() % 4, 0) << "pick chunks whose first column splits a Philox block";
  train::ModelShape part_shape = prob.shape;
  part_shape.n_features = block.count();
  // The block's parameters are the whole model's rows for its columns.
  train::Params<float> part(part_shape);
  std::copy(prob.params.embedding.begin(), prob.params.embedding.end(), part.embedding.begin());
  const auto de = static_cast<std::size_t>(prob.shape.embedding_dim);
  const auto h0 = static_cast<std::size_t>(prob.shape.fan_out(0));
  const auto f = static_cast<std::size_t>(block.first()), n = static_cast<std::size_t>(block.count());
  std::copy_n(prob.params.mask_weight.begin() + f * de, n * de, part.mask_weight.begin());
  std::copy_n(prob.params.mask_bias.begin() + f, n, part.mask_bias.begin());
  std::copy_n(prob.params.weight[0].begin() + f * h0, n * h0, part.weight[0].begin());
  detail::StepInput<float> in = prob.input;
  in.x = prob.x.data() + block.first();
  detail::Workspace<float> ws(part_shape, block, prob.input.batch);
  for (int c = block.first_chunk; c < block.last_chunk; ++c)
    detail::step_detail::mask_and_matmul_chunk(in, part, ws, c);
  for (std::size_t j = 0; j < n; ++j) {
    EXPECT_EQ(ws.uniforms[j], all.uniforms[f + j]) << "column " << f + j;
    EXPECT_EQ(ws.mask[j], all.mask[f + j]) << "column " << f + j;
  }
  // Its partial sums are those of the same chunks in the whole workspace.
  const std::size_t slot = all.forward_slot();
  for (int c = block.first_chunk; c < block.last_chunk; ++c)
    for (std::size_t i = 0; i < 1 + static_cast<std::size_t>(prob.input.batch) * h0; ++i)
      EXPECT_EQ(ws.forward_partial[c * slot + i], all.forward_partial[c * slot + i]) << "chunk " << c;
}

/// The two column blocks of a split fit: unequal halves of the fit's chunks.
std::array<train::FeatureBlock, 2> two_blocks(const Problem& p) {
  const int n_chunks = train::ColumnChunks(p.cols).count;
  const int split = n_chunks / 2 + 1;
  return {train::FeatureBlock::chunks(p.cols, 0, split, p.cols),
          train::FeatureBlock::chunks(p.cols, split, n_chunks, p.cols)};
}

/// Both blocks trained for the plan's epochs, each by its own backend on its own thread, joined by
/// a LocalReduce; `start(block)` is a block's initial state.
template <typename Start>
std::array<Trained, 2> train_two_blocks(const Problem& p, Start&& start) {
  const std::array<train::FeatureBlock, 2> blocks = two_blocks(p);
  train::LocalReduce reduce(2);
  std::array<Trained, 2> parts;
  std::vector<std::thread> ranks;
  for (int r = 0; r < 2; ++r) {
    ranks.emplace_back([&, r] {
      const train::TrainState first = start(blocks[static_cast<std::size_t>(r)]);
      auto backend = p.backend(first, blocks[static_cast<std::size_t>(r)], &reduce.participant(r));
      parts[static_cast<std::size_t>(r)] = run(*backend, p, {}, p.plan.epochs);
    });
  }
  for (auto& t : ranks) t.join();
  return parts;
}

TEST(Contract, TwoColumnBlocksJoinedByALocalReduceTrainExactlyLikeOne) {
  const Problem p(80, 150, 5);
  const train::TrainState fresh(train::initial_params(p.shape, p.plan.seed));
  auto whole_backend = p.backend(fresh, train::FeatureBlock::whole(p.cols), nullptr, 2);
  const Trained whole = run(*whole_backend, p, {}, p.plan.epochs);

  ASSERT_GE(train::ColumnChunks(p.cols).count, 2);
  const std::array<train::FeatureBlock, 2> blocks = two_blocks(p);
  const std::array<Trained, 2> parts = train_two_blocks(p, [&](const train::FeatureBlock& b) {
    return train::TrainState(train::initial_params(p.shape, p.plan.seed, b.first(), b.count()));
  });

  std::vector<float> joined = parts[0].logits;
  joined.insert(joined.end(), parts[1].logits.begin(), parts[1].logits.end());
  EXPECT_EQ(joined, whole.logits);  // the partials are added in the same fixed order: exact
  for (std::size_t r = 0; r < 2; ++r) {
    const auto& ps = parts[r].state.values;
    const auto& ws = whole.state.values;
    EXPECT_EQ(ps.embedding, ws.embedding) << "rank " << r;
    for (std::size_t l = 1; l < ws.weight.size(); ++l) EXPECT_EQ(ps.weight[l], ws.weight[l]) << "rank " << r;
    EXPECT_EQ(ps.bias[0], ws.bias[0]);
    ASSERT_EQ(parts[r].stats.size(), whole.stats.size());
    for (std::size_t e = 0; e < whole.stats.size(); ++e) {
      EXPECT_EQ(parts[r].stats[e].loss, whole.stats[e].loss) << "rank " << r << " epoch " << e + 1;
      EXPECT_EQ(parts[r].stats[e].mean_mask, whole.stats[e].mean_mask);
    }
  }
  const auto f1 = static_cast<std::size_t>(blocks[1].first());
  const auto h0 = static_cast<std::size_t>(p.shape.fan_out(0));
  EXPECT_EQ(parts[1].state.values.weight[0],
            train::Span<const float>(whole.state.values.weight[0].data() + f1 * h0, blocks[1].count() * h0));
}

/// The active set across column blocks (issue 23): `open` of `cols` columns start open (the others
/// closed, as the prescreen leaves them), so each epoch gathers the open ones. Every block decides
/// from every block's logits; a small set (<= kWholeModelColumns) is trained whole by every block,
/// a larger one as each block's share inside the fit's chunks: either way exactly one backend's fit.
struct ActiveCase {
  std::int64_t cols, open;
};
class ActiveBlocks : public ::testing::TestWithParam<ActiveCase> {};

TEST_P(ActiveBlocks, TwoColumnBlocksTrainTheActiveSetExactlyLikeOne) {
  const ActiveCase c = GetParam();
  Problem p(64, c.cols, 9);
  p.plan.epochs = 4;
  p.plan.active.enabled = true;
  p.plan.active.in_warmup = true;
  train::TrainState fresh(train::initial_params(p.shape, p.plan.seed));
  const float closed = static_cast<float>(p.plan.active.threshold(p.plan.tau0) - 1.0);
  train::ParamView<float> v = fresh.values.member(0);
  // The open columns spread over the table: both blocks hold some of the set.
  std::vector<char> open(static_cast<std::size_t>(c.cols), 0);
  for (std::int64_t k = 0; k < c.open; ++k) open[static_cast<std::size_t>(k * c.cols / c.open)] = 1;
  for (std::int64_t j = 0; j < c.cols; ++j)
    if (open[static_cast<std::size_t>(j)] == 0) v.mask_bias[static_cast<std::size_t>(j)] = closed;
  ASSERT_EQ(train::gathered_model_is_whole(c.open, p.rows), c.open <= train::kWholeModelColumns);
  auto whole_backend = p.backend(fresh, train::FeatureBlock::whole(p.cols), nullptr, 2);
  const Trained whole = run(*whole_backend, p, {}, p.plan.epochs);
  for (const train::EpochStats& s : whole.stats) EXPECT_EQ(s.columns, c.open) << "the open columns were not gathered";

  const std::array<Trained, 2> parts = train_two_blocks(p, [&](const train::FeatureBlock& b) {
    train::ColumnIds ids(static_cast<std::size_t>(b.count()));  // the block's columns of `fresh`
    std::iota(ids.begin(), ids.end(), b.first());
    return train::gather_state(fresh, 0, ids);
  });

  std::vector<float> joined = parts[0].logits;
  joined.insert(joined.end(), parts[1].logits.begin(), parts[1].logits.end());
  EXPECT_EQ(joined, whole.logits);
  for (std::size_t r = 0; r < 2; ++r) {
    EXPECT_EQ(parts[r].state.values.embedding, whole.state.values.embedding) << "rank " << r;
    ASSERT_EQ(parts[r].stats.size(), whole.stats.size());
    for (std::size_t e = 0; e < whole.stats.size(); ++e) {
      EXPECT_EQ(parts[r].stats[e].loss, whole.stats[e].loss) << "rank " << r << " epoch " << e + 1;
      EXPECT_EQ(parts[r].stats[e].columns, whole.stats[e].columns) << "rank " << r << " epoch " << e + 1;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Sets, ActiveBlocks, ::testing::Values(ActiveCase{150, 60}, ActiveCase{6000, 4500}),
                         [](const ::testing::TestParamInfo<ActiveCase>& i) {
                           return i.param.open <= train::kWholeModelColumns ? "SmallSetTrainedWhole"
                                                                            : "LargeSetInFitChunks";
                         });

TEST(Contract, ScheduleIsTheFitsAndResumable) {
  train::Plan plan;
  plan.epochs = 30;
  plan.warmup_epochs = 3;
  plan.lambda = 0.25F;
  plan.tau0 = 2.0F;
  plan.tau_decay = 0.9F;
  plan.batch_size = 7;
  train::Schedule s(plan, 50);
  EXPECT_EQ(s.steps_per_epoch(), 8);
  EXPECT_EQ(s.first_step(4), 24);
  float tau = plan.tau0;  // the float product the loop has always used
  for (int e = 1; e <= 30; ++e, tau *= plan.tau_decay) EXPECT_EQ(s.tau(e), tau) << e;
  EXPECT_EQ(s.lambda(3), 0.0F);
  EXPECT_EQ(s.lambda(4), 0.25F);
  const std::vector<std::int32_t> at9 = s.order(9);
  (void)s.order(12);
  EXPECT_EQ(s.order(9), at9);  // asking for an earlier epoch replays the shuffles
  train::Schedule fresh(plan, 50);
  EXPECT_EQ(fresh.order(9), at9);
  EXPECT_NE(fresh.order(10), at9);
}

}  // namespace
}  // namespace gfs::test

namespace gfs::test {
namespace {

TEST(Members, TrainedTogetherEqualEachTrainedAlone) {
  const Problem p(90, 100, 9);
  const int M = 3;
  const std::vector<std::uint64_t> seeds = {11, 12, 13};
  train::Params<float> init(p.shape, M);
  for (int m = 0; m < M; ++m) {
    const train::Params<float> one = train::initial_params(p.shape, seeds[static_cast<std::size_t>(m)]);
    std::copy(one.flat.begin(), one.flat.end(), init.flat.begin() + static_cast<std::ptrdiff_t>(init.layout.size * m));
  }
  // Member m trains on its own 40 rows, in its own order.
  std::vector<std::vector<std::int32_t>> orders(M);
  for (int m = 0; m < M; ++m)
    for (int i = 0; i < 40; ++i) orders[static_cast<std::size_t>(m)].push_back((7 * i + 13 * m) % 90);
  const train::TrainState together_state(init);
  auto together = detail::make_cpu_backend(2);
  train::TrainSetup s;
  s.x = p.x.data();
  s.n_rows = p.rows;
  s.features = train::FeatureBlock::whole(p.cols);
  s.shape = p.shape;
  s.targets = &p.targets;
  s.state = &together_state;
  s.plan = p.plan;
  s.member_seeds = seeds;
  ASSERT_GE(together->max_members(), M);
  together->setup(s);
  std::vector<train::EpochStats> stats;
  for (int epoch = 1; epoch <= 3; ++epoch) {
    train::EpochWork work{{&orders[0], &orders[1], &orders[2]}, 1.5F, epoch > 1 ? 0.5F : 0.0F, (epoch - 1) * 3, epoch};
    together->train_members(work, stats);
  }
  std::vector<float> logits;
  together->read_logits(logits);
  ASSERT_EQ(logits.size(), static_cast<std::size_t>(M * p.cols));
  for (int m = 0; m < M; ++m) {
    const train::TrainState alone_state(init.copy_member(m));
    auto alone = detail::make_cpu_backend(1);
    train::TrainSetup a = s;
    a.state = &alone_state;
    a.member_seeds.clear();
    a.plan.seed = seeds[static_cast<std::size_t>(m)];
    alone->setup(a);
    train::EpochStats last;
    for (int epoch = 1; epoch <= 3; ++epoch)
      last = alone->train_epoch(orders[static_cast<std::size_t>(m)], 1.5F, epoch > 1 ? 0.5F : 0.0F, (epoch - 1) * 3,
                                epoch);
    std::vector<float> own;
    alone->read_logits(own);
    EXPECT_EQ(own, std::vector<float>(logits.begin() + m * p.cols, logits.begin() + (m + 1) * p.cols))
        << "member " << m;
    EXPECT_EQ(last.loss, stats[static_cast<std::size_t>(m)].loss) << "member " << m;
    train::TrainState st;
    alone->export_state(st);
    train::TrainState all;
    together->export_state(all);
    EXPECT_EQ(st.moment2.flat, all.moment2.copy_member(m).flat) << "member " << m;
  }
}

// Active sets per member: member m closes its own columns (here those with j % (m + 2) == 0, at
// logit -40), trains a gathered copy of the rest, and still equals member m trained alone; a
// closed column's values and Adam moments stay as they were when it left.
TEST(Members, ActiveSetsPerMemberEqualEachMemberAlone) {
  const Problem p(90, 100, 9);
  const int M = 3;
  const std::vector<std::uint64_t> seeds = {11, 12, 13};
  train::Params<float> init(p.shape, M);
  for (int m = 0; m < M; ++m) {
    train::Params<float> one = train::initial_params(p.shape, seeds[static_cast<std::size_t>(m)]);
    for (std::int64_t j = 0; j < p.cols; j += m + 2) one.mask_bias[static_cast<std::size_t>(j)] = -40.0F;
    std::copy(one.flat.begin(), one.flat.end(), init.flat.begin() + static_cast<std::ptrdiff_t>(init.layout.size * m));
  }
  std::vector<std::vector<std::int32_t>> orders(M);
  for (int m = 0; m < M; ++m)
    for (int i = 0; i < 40; ++i) orders[static_cast<std::size_t>(m)].push_back((7 * i + 13 * m) % 90);
  const train::TrainState together_state(init);
  auto together = detail::make_cpu_backend(2);
  train::TrainSetup s;
  s.x = p.x.data();
  s.n_rows = p.rows;
  s.features = train::FeatureBlock::whole(p.cols);
  s.shape = p.shape;
  s.targets = &p.targets;
  s.state = &together_state;
  s.plan = p.plan;
  s.plan.active.enabled = true;
  s.member_seeds = seeds;
  together->setup(s);
  std::vector<train::EpochStats> stats;
  train::TrainState after_warmup;
  for (int epoch = 1; epoch <= 4; ++epoch) {
    train::EpochWork work{{&orders[0], &orders[1], &orders[2]}, 1.5F, epoch > 1 ? 0.5F : 0.0F, (epoch - 1) * 3, epoch};
    together->train_members(work, stats);
    if (epoch == 1) together->export_state(after_warmup);
    for (int m = 0; m < M; ++m)  // the warm-up trains every column; then member m's own set
      EXPECT_EQ(stats[static_cast<std::size_t>(m)].columns, epoch == 1 ? p.cols : p.cols - (p.cols + m + 1) / (m + 2))
          << "epoch " << epoch << " member " << m;
  }
  std::vector<float> logits;
  together->read_logits(logits);
  train::TrainState all;
  together->export_state(all);
  for (int m = 0; m < M; ++m) {
    const train::TrainState alone_state(init.copy_member(m));
    auto alone = detail::make_cpu_backend(1);
    train::TrainSetup a = s;
    a.state = &alone_state;
    a.member_seeds.clear();
    a.plan.seed = seeds[static_cast<std::size_t>(m)];
    alone->setup(a);
    for (int epoch = 1; epoch <= 4; ++epoch)
      alone->train_epoch(orders[static_cast<std::size_t>(m)], 1.5F, epoch > 1 ? 0.5F : 0.0F, (epoch - 1) * 3, epoch);
    std::vector<float> own;
    alone->read_logits(own);
    EXPECT_EQ(own, std::vector<float>(logits.begin() + m * p.cols, logits.begin() + (m + 1) * p.cols))
        << "member " << m;
    train::TrainState st;
    alone->export_state(st);
    EXPECT_EQ(st.moment2.flat, all.moment2.copy_member(m).flat) << "member " << m;
    // Closed columns: phi row, mask bias, W0 row and their moments as after the warm-up.
    const train::ParamView<const float> now = std::as_const(all.values).member(m);
    const train::ParamView<const float> then = std::as_const(after_warmup.values).member(m);
    const train::ParamView<const float> v_now = std::as_const(all.moment2).member(m);
    const train::ParamView<const float> v_then = std::as_const(after_warmup.moment2).member(m);
    const auto de = static_cast<std::size_t>(p.shape.embedding_dim), h0 = static_cast<std::size_t>(p.shape.fan_out(0));
    for (std::int64_t j = 0; j < p.cols; ++j) {
      const auto sj = static_cast<std::size_t>(j);
      const bool closed = j % (m + 2) == 0;
      const bool same = now.mask_bias[sj] == then.mask_bias[sj] &&
                        std::equal(&now.mask_weight[sj * de], &now.mask_weight[sj * de] + de, &then.mask_weight[sj * de]) &&
                        std::equal(&now.weight[0][sj * h0], &now.weight[0][sj * h0] + h0, &then.weight[0][sj * h0]) &&
                        std::equal(&v_now.weight[0][sj * h0], &v_now.weight[0][sj * h0] + h0, &v_then.weight[0][sj * h0]);
      EXPECT_EQ(same, closed) << "member " << m << " column " << j;
    }
  }
}

// With the active set on (every column checked every epoch, the default), the set is a function
// of the state and the epoch: a fit resumed from an exported state trains what an uninterrupted
// one does, bit for bit.
TEST(Contract, ActiveSetFitResumesExactly) {
  Problem p(96, 70, 3);
  p.plan.active.enabled = true;
  train::Params<float> init = train::initial_params(p.shape, p.plan.seed);
  for (std::int64_t j = 0; j < p.cols; j += 3) init.mask_bias[static_cast<std::size_t>(j)] = -40.0F;
  const train::TrainState fresh(init);
  const auto whole = train::FeatureBlock::whole(p.cols);
  auto straight = p.backend(fresh, whole);
  const Trained all = run(*straight, p, {}, 6);
  EXPECT_LT(all.stats.back().columns, p.cols);  // the set did shrink
  auto first = p.backend(fresh, whole);
  const Trained head = run(*first, p, {}, 3);
  auto second = p.backend(head.state, whole);
  const Trained tail = run(*second, p, train::Position{3}, 6);
  EXPECT_EQ(tail.logits, all.logits);
  EXPECT_EQ(tail.state.values.flat, all.state.values.flat);
  EXPECT_EQ(tail.state.moment1.flat, all.state.moment1.flat);
  for (std::size_t e = 0; e < 3; ++e) EXPECT_EQ(tail.stats[e].loss, all.stats[e + 3].loss) << "epoch " << e + 4;
}

}  // namespace
}  // namespace gfs::test
