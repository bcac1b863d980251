/// @file cuda_backend.cu
/// @brief The CUDA backend: owns the data and parameters on one GPU and runs whole epochs without a
///        host round trip inside the epoch.
///
/// setup() allocates everything once (one arena) and uploads X, the targets and the parameters.
/// train_epoch() uploads the epoch's row order and a table of per-step scalars (noise subsequence,
/// tau, lambda, Adam coefficients), replays the captured step graph once per step, and downloads the
/// per-step loss terms once at the end. The step itself is written once, in enqueue_step().
///
/// Active set (Plan::active; never in exact fits, nor in the warm-up unless the prescreen closed
/// columns): before an epoch the backend asks train::decide_active_set() — the CPU backend's
/// decision, from the logits — what to train. A
/// gathered model (the active columns' x, parameters and Adam moments, contiguous) is built on the
/// host with train::gather_state / gather_x and uploaded into the front of the same device
/// buffers: a gather happens only when the set shrank by compact_factor or a recheck changed it
/// (a few times per fit), it moves D * (d_e + H0 + 1) * 3 floats and N * a of x, and it reuses the
/// CPU's code, so both backends gather the same columns in the same layout. While gathered, the
/// host keeps the whole state (whole_) and sync_whole() scatters the device's part back into it
/// (read_logits, export_state, before a regather). The gathered model's noise is keyed by the
/// global column (MaskArgs::global_ids) and its penalty by the fit's D (HeadArgs::fit_features).
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backends/backends.hpp"
#include "backends/cuda/device_memory.cuh"
#include "gfs/error.hpp"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/masked_matmul.cuh"
#include "kernels/cuda/step_kernels.cuh"
#include "kernels/philox.hpp"
#include "train/active_set.hpp"

namespace gfs::detail {
namespace {

using cuda::AdamBlock;
using train::ColumnEvidence;
using train::EpochStats;
using train::HeldOutRows;
using train::ModelShape;
using train::Params;
using train::Targets;
using train::TrainSetup;
using train::TrainState;

/// The largest embedding the kernels' shared-memory layout takes (feature_shared_bytes).
constexpr int kMaxEmbeddingDim = 1024;
/// cuBLAS's workspace, preallocated so graph capture never allocates (the size NVIDIA suggests
/// for Hopper).
constexpr std::size_t kCublasWorkspaceBytes = 32U << 20U;

/// Device copies of every parameter block and its two Adam moments.
struct DeviceParams {
  AdamBlock embedding, mask_weight, mask_bias;
  std::vector<AdamBlock> weight, bias;
};

/// Scratch and bookkeeping buffers of a step (device pointers into the arena).
struct DeviceScratch {
  float* x = nullptr;                 // [N, D]
  std::int32_t* order = nullptr;      // [N]
  std::int32_t* labels = nullptr;     // [N]
  float* class_weight = nullptr;      // [C]
  float* values = nullptr;            // [N, O]
  float* time = nullptr;              // survival: [N]
  float* event = nullptr;             // survival: [N]
  float* cox = nullptr;               // survival: [4, B] the batch's times, events, denominators, tie shares
  float* mask = nullptr;              // [D]
  float* mask_partial = nullptr;      // [mask_blocks]
  float* z_partial = nullptr;         // small: [chunks, B, H0]; cuBLAS: z0 [B, H0]
  float* w0_masked = nullptr;         // cuBLAS: [D, H0]
  float* x_batch = nullptr;           // cuBLAS: [B, D]
  float* grad_g = nullptr;            // cuBLAS: [D, H0]
  char* cublas_workspace = nullptr;   // cuBLAS path
  std::vector<float*> pre, dpre;      // per layer [B, fan_out]
  float* dsel_dm = nullptr;           // [1]
  float* head_partial = nullptr;      // row-split head: [row blocks, slot] (head_partial_layout)
  std::int64_t* global_ids = nullptr; // active set: [D] local -> global column of the gathered model
  float* cost = nullptr;              // feature costs: [D] by global column (Config::feature_cost)
  float* cost_partial = nullptr;      // feature costs: [mask_blocks] per-block sums of c m
  float* de_partial = nullptr;        // [feature_blocks, d_e]
  float* logits = nullptr;            // [D]
  float* stats = nullptr;             // [max_steps, kStatsPerStep]
  cuda::StepParams* steps = nullptr;  // [max_steps]
  int* counter = nullptr;             // [1]
};

// Copies of nothing are skipped: an empty reservation's device pointer is null (DeviceArena).
void upload(float* dst, const std::vector<float>& src, cudaStream_t s) {
  if (src.empty()) return;
  GFS_CUDA_CHECK(cudaMemcpyAsync(dst, src.data(), src.size() * sizeof(float), cudaMemcpyHostToDevice, s));
}
void upload(float* dst, train::Span<const float> src, cudaStream_t s) {
  if (src.size() == 0) return;
  GFS_CUDA_CHECK(cudaMemcpyAsync(dst, src.data(), src.size() * sizeof(float), cudaMemcpyHostToDevice, s));
}
void download(train::Span<float> dst, const float* src, cudaStream_t s) {
  if (dst.size() == 0) return;
  GFS_CUDA_CHECK(cudaMemcpyAsync(dst.data(), src, dst.size() * sizeof(float), cudaMemcpyDeviceToHost, s));
}
void download(std::vector<float>& dst, const float* src, cudaStream_t s) {
  download(train::Span<float>(dst.data(), dst.size()), src, s);
}

/// CUDA graphs are on unless GFS_CUDA_GRAPHS=0 (debugging, or timing the launches themselves).
bool graphs_enabled() {
#if defined(GFS_CUDA_SYNC_CHECK)
  return false;  // a captured stream cannot be synchronised after each launch
#else
  const char* env = std::getenv("GFS_CUDA_GRAPHS");
  return env == nullptr || std::string(env) != "0";
#endif
}

/// Puts the caller's current device back when the backend is destroyed. The backend declares it
/// first, so it runs last: after every member has freed its memory on the backend's device.
struct CallerDevice {
  int previous = -1;
  CallerDevice() = default;
  CallerDevice(const CallerDevice&) = delete;
  CallerDevice& operator=(const CallerDevice&) = delete;
  ~CallerDevice() {
    if (previous >= 0) GFS_CUDA_CHECK_NOTHROW(cudaSetDevice(previous));
  }
};

class CudaBackend final : public train::Backend {
 public:
  explicit CudaBackend(int ordinal) : ordinal_(ordinal) {
    cuda::DeviceScope scope(ordinal_);
    cudaStream_t stream = nullptr;
    GFS_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    stream_.reset(stream);
    cublasHandle_t handle = nullptr;
    GFS_CUDA_CHECK(cublasCreate(&handle));
    cublas_.reset(handle);
    GFS_CUDA_CHECK(cublasSetStream(handle, stream));
    // Plain FP32 (no TF32): the results must match the CPU backend to float rounding.
    GFS_CUDA_CHECK(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH));
    GFS_CUDA_CHECK(cudaDeviceGetAttribute(&sm_count_, cudaDevAttrMultiProcessorCount, ordinal_));
  }

  ~CudaBackend() override {
    // Members free their memory after this body; they must do it on this backend's device, and
    // caller_device_ (destroyed last) then restores the caller's.
    int previous = -1;
    if (cudaGetDevice(&previous) == cudaSuccess) caller_device_.previous = previous;
    GFS_CUDA_CHECK_NOTHROW(cudaSetDevice(ordinal_));
    if (stream_) GFS_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(stream_.get()));
  }

  [[nodiscard]] std::string name() const override { return "cuda:" + std::to_string(ordinal_); }

  void setup(const TrainSetup& s) override;
  [[nodiscard]] int max_members() const override { return 1; }
  void train_members(const train::EpochWork& work, std::vector<EpochStats>& stats) override;
  void read_logits(std::vector<float>& logits) override;
  void export_state(TrainState& state) override;
  void import_state(const TrainState& state) override;
  void column_evidence(const HeldOutRows& held_out, const std::vector<char>& active, int threads,
                       ColumnEvidence& out) override;

 private:
  void validate(const TrainSetup& s) const;
  void forget_fit() noexcept;
  void setup_fit(const TrainSetup& s);
  void plan_memory();
  void upload_fit(const TrainSetup& s);
  void upload_state(const TrainState& state);
  void prepare_kernel_args();
  void configure_columns(std::int64_t columns);
  void upload_x(const float* x, std::int64_t columns);
  void download_state(TrainState& state);
  void sync_whole();
  void train_columns(train::ColumnIds ids);
  void update_active_set(float tau, float lambda, int epoch);
  void enqueue_step();
  void capture_step_graph();
  void fill_step_table(std::int64_t n, std::int64_t steps, float tau, float lambda, std::int64_t first_step);
  [[nodiscard]] cudaStream_t stream() const { return stream_.get(); }

  CallerDevice caller_device_;  // first member: destroyed last
  int ordinal_;
  int sm_count_ = 1;
  cuda::StreamHandle stream_;
  cuda::CublasHandle cublas_;
  cuda::GraphExecHandle graph_;
  bool graph_failed_ = false;
  bool warmed_ = false;  // a step has run directly since setup(): every kernel module is loaded

  TrainSetup setup_;
  ModelShape shape_;
  std::int64_t n_rows_ = 0;
  int batch_ = 1;  // rows allocated per batch: min(batch_size, N)
  std::int64_t max_steps_ = 0;
  std::int64_t adam_step_ = 0;  // Adam steps taken (exported with the state)
  bool small_path_ = true;      // GEMV masked matmul, else gather + cuBLAS
  cuda::GemvChunks chunks_;
  int feature_blocks_ = 1;
  cuda::HeadSplit head_split_;  // one fused block, or rows split over blocks (large batches)
  std::int64_t columns_ = 0;    // columns the device trains: D, or the gathered active set's
  train::ColumnIds active_;     // gathered: local -> global column; empty: the whole model
  TrainState whole_;            // gathered: the whole state on the host (current after sync_whole())

  cuda::DeviceArena arena_;
  DeviceParams value_, moment1_, moment2_;
  DeviceScratch scratch_;
  cuda::PinnedBuffer<std::int32_t> host_order_;
  cuda::PinnedBuffer<cuda::StepParams> host_steps_;
  cuda::PinnedBuffer<float> host_stats_;

  cuda::MaskArgs mask_args_;
  cuda::GemvArgs gemv_args_;
  cuda::HeadArgs head_args_;
  cuda::FeatureArgs feature_args_;
  cuda::EmbeddingArgs embedding_args_;
};

void CudaBackend::validate(const TrainSetup& s) const {
  const ModelShape& sh = s.shape;
  if (s.x == nullptr || s.targets == nullptr || s.state == nullptr || s.n_rows < 1 || sh.n_features < 1)
    throw Error(ErrorCode::kInternal, "CUDA backend: setup() called without data, targets or parameters");
  if (!s.features.is_whole() || s.reduce != nullptr || s.features.x_stride != sh.n_features)
    throw Error(ErrorCode::kInvalidArgument,
                "the CUDA backend trains every column of a dense matrix; column blocks run on the CPU backend");
  if (s.members() != 1 || s.state->values.members != 1)
    throw Error(ErrorCode::kInternal, "CUDA backend: one member per setup() (see max_members())");
  if (s.targets->survival && (static_cast<std::int64_t>(s.targets->time.size()) != s.n_rows ||
                              static_cast<std::int64_t>(s.targets->event.size()) != s.n_rows))
    throw Error(ErrorCode::kInternal, "CUDA backend: survival targets without a time and an event per row");
  if (sh.n_features > INT_MAX || s.n_rows > INT_MAX)
    throw Error(ErrorCode::kInvalidArgument, "the CUDA backend takes at most " + std::to_string(INT_MAX) +
                                                 " rows and features (cuBLAS uses 32-bit sizes); use --device cpu");
  if (sh.embedding_dim < 1 || sh.embedding_dim > kMaxEmbeddingDim)
    throw Error(ErrorCode::kInvalidArgument, "embedding_dim " + std::to_string(sh.embedding_dim) +
                                                 " is outside the CUDA backend's range 1.." +
                                                 std::to_string(kMaxEmbeddingDim) + "; use a smaller embedding_dim");
  if (sh.n_layers() > cuda::kMaxLayers)
    throw Error(ErrorCode::kInvalidArgument, "the CUDA backend takes at most " + std::to_string(cuda::kMaxLayers - 1) +
                                                 " hidden layers, got " + std::to_string(sh.hidden.size()));
  for (int l = 0; l < sh.n_layers(); ++l)
    if (sh.fan_out(l) < 1)
      throw Error(ErrorCode::kInvalidArgument, "every hidden size and n_outputs must be at least 1");
  if (s.plan.batch_size < 1) throw Error(ErrorCode::kInvalidArgument, "batch_size must be at least 1");
}

void CudaBackend::setup(const TrainSetup& s) {
  cuda::DeviceScope scope(ordinal_);
  validate(s);
  GFS_CUDA_CHECK(cudaStreamSynchronize(stream()));
  forget_fit();
  try {
    setup_fit(s);
  } catch (...) {
    forget_fit();  // nothing may point into a half-built fit: later calls fail cleanly
    throw;
  }
}

/// Drops the fit: the graph, the pinned tables, every pointer into the arena, then the arena.
void CudaBackend::forget_fit() noexcept {
  graph_.reset();
  graph_failed_ = false;
  warmed_ = false;
  host_order_.reset();
  host_steps_.reset();
  host_stats_.reset();
  value_ = DeviceParams{};
  moment1_ = DeviceParams{};
  moment2_ = DeviceParams{};
  scratch_ = DeviceScratch{};
  mask_args_ = cuda::MaskArgs{};
  gemv_args_ = cuda::GemvArgs{};
  head_args_ = cuda::HeadArgs{};
  feature_args_ = cuda::FeatureArgs{};
  embedding_args_ = cuda::EmbeddingArgs{};
  columns_ = 0;
  active_.clear();
  whole_ = TrainState{};
  arena_.reset();
}

void CudaBackend::setup_fit(const TrainSetup& s) {
  setup_ = s;
  shape_ = s.shape;
  n_rows_ = s.n_rows;
  batch_ = static_cast<int>(std::min<std::int64_t>(s.plan.batch_size, s.n_rows));
  max_steps_ = cuda::ceil_div(n_rows_, batch_);
  small_path_ = cuda::use_small_batch_path(batch_, shape_.fan_out(0), shape_.embedding_dim);
  columns_ = shape_.n_features;
  active_.clear();
  whole_ = TrainState{};
  // Buffers are sized for D (plan_memory); a gathered model (fewer columns) needs no more.
  chunks_ = cuda::gemv_chunks(shape_.n_features, sm_count_);
  feature_blocks_ = cuda::feature_blocks(shape_.n_features, sm_count_);
  head_split_ = cuda::head_split(batch_, s.targets->survival);

  plan_memory();
  arena_.allocate(stream(), "this fit");
  host_order_.resize(static_cast<std::size_t>(n_rows_));
  host_steps_.resize(static_cast<std::size_t>(max_steps_));
  host_stats_.resize(static_cast<std::size_t>(max_steps_) * cuda::kStatsPerStep);
  upload_fit(s);
  prepare_kernel_args();
  if (!small_path_) GFS_CUDA_CHECK(cublasSetWorkspace(cublas_.get(), scratch_.cublas_workspace, kCublasWorkspaceBytes));
  GFS_CUDA_CHECK(cudaStreamSynchronize(stream()));
}

void CudaBackend::plan_memory() {
  const auto D = static_cast<std::size_t>(shape_.n_features), N = static_cast<std::size_t>(n_rows_);
  const auto de = static_cast<std::size_t>(shape_.embedding_dim), B = static_cast<std::size_t>(batch_);
  const auto h0 = static_cast<std::size_t>(shape_.fan_out(0)), L = static_cast<std::size_t>(shape_.n_layers());
  const Targets& t = *setup_.targets;
  arena_.reset();
  auto reserve_params = [&](DeviceParams& p) {
    p.weight.assign(L, AdamBlock{});
    p.bias.assign(L, AdamBlock{});
    arena_.reserve(p.embedding.value, de);
    arena_.reserve(p.mask_weight.value, D * de);
    arena_.reserve(p.mask_bias.value, D);
    for (std::size_t l = 0; l < L; ++l) {
      const int li = static_cast<int>(l);
      arena_.reserve(p.weight[l].value, static_cast<std::size_t>(shape_.fan_in(li)) * shape_.fan_out(li));
      arena_.reserve(p.bias[l].value, static_cast<std::size_t>(shape_.fan_out(li)));
    }
  };
  reserve_params(value_);
  reserve_params(moment1_);
  reserve_params(moment2_);
  DeviceScratch& s = scratch_;
  arena_.reserve(s.x, N * D);
  arena_.reserve(s.order, N);
  arena_.reserve(s.labels, t.classification ? N : 0);
  arena_.reserve(s.class_weight, t.classification ? t.class_weight.size() : 0);
  arena_.reserve(s.values, t.classification ? 0 : t.values.size());
  arena_.reserve(s.time, t.survival ? t.time.size() : 0);
  arena_.reserve(s.event, t.survival ? t.event.size() : 0);
  arena_.reserve(s.cox, t.survival ? 4 * B : 0);
  arena_.reserve(s.mask, D);
  arena_.reserve(s.mask_partial, static_cast<std::size_t>(cuda::mask_blocks(shape_.n_features)));
  // gemv_chunks_bound: a gathered model (fewer columns) may cut more chunks than D does.
  const auto most_chunks = static_cast<std::size_t>(cuda::gemv_chunks_bound(shape_.n_features, sm_count_));
  arena_.reserve(s.z_partial, (small_path_ ? most_chunks : 1) * B * h0);
  if (!small_path_) {
    arena_.reserve(s.w0_masked, D * h0);
    arena_.reserve(s.x_batch, B * D);
    arena_.reserve(s.grad_g, D * h0);
    arena_.reserve(s.cublas_workspace, kCublasWorkspaceBytes);
  }
  s.pre.assign(L, nullptr);
  s.dpre.assign(L, nullptr);
  for (std::size_t l = 0; l < L; ++l) {
    arena_.reserve(s.pre[l], B * static_cast<std::size_t>(shape_.fan_out(static_cast<int>(l))));
    arena_.reserve(s.dpre[l], B * static_cast<std::size_t>(shape_.fan_out(static_cast<int>(l))));
  }
  arena_.reserve(s.dsel_dm, 1);
  arena_.reserve(s.global_ids, setup_.plan.active.enabled ? D : 0);
  const bool costs = setup_.feature_cost != nullptr;
  arena_.reserve(s.cost, costs ? D : 0);
  arena_.reserve(s.cost_partial, costs ? static_cast<std::size_t>(cuda::mask_blocks(shape_.n_features)) : 0);
  cuda::HeadArgs head_layout{};  // the layers' widths decide the partials' size
  head_layout.n_layers = static_cast<int>(L);
  for (std::size_t l = 0; l < L; ++l) head_layout.layer[l].fan_out = shape_.fan_out(static_cast<int>(l));
  arena_.reserve(s.head_partial, cuda::set_head_split(head_layout, head_split_));
  arena_.reserve(s.de_partial, static_cast<std::size_t>(feature_blocks_) * de);
  arena_.reserve(s.logits, D);
  arena_.reserve(s.stats, static_cast<std::size_t>(max_steps_) * cuda::kStatsPerStep);
  arena_.reserve(s.steps, static_cast<std::size_t>(max_steps_));
  arena_.reserve(s.counter, 1);
}

void CudaBackend::upload_state(const TrainState& state) {
  const cudaStream_t st = stream();
  auto put = [&](DeviceParams& d, const Params<float>& p) {
    upload(d.embedding.value, p.embedding, st);
    upload(d.mask_weight.value, p.mask_weight, st);
    upload(d.mask_bias.value, p.mask_bias, st);
    for (std::size_t l = 0; l < p.weight.size(); ++l) {
      upload(d.weight[l].value, p.weight[l], st);
      upload(d.bias[l].value, p.bias[l], st);
    }
  };
  put(value_, state.values);
  put(moment1_, state.moment1);
  put(moment2_, state.moment2);
  adam_step_ = state.step;
}

void CudaBackend::upload_fit(const TrainSetup& s) {
  const cudaStream_t st = stream();
  upload_state(*s.state);
  // Give every value block its moments.
  auto attach = [](AdamBlock& v, const AdamBlock& m1, const AdamBlock& m2) {
    v.m1 = m1.value;
    v.m2 = m2.value;
  };
  attach(value_.embedding, moment1_.embedding, moment2_.embedding);
  attach(value_.mask_weight, moment1_.mask_weight, moment2_.mask_weight);
  attach(value_.mask_bias, moment1_.mask_bias, moment2_.mask_bias);
  for (std::size_t l = 0; l < value_.weight.size(); ++l) {
    attach(value_.weight[l], moment1_.weight[l], moment2_.weight[l]);
    attach(value_.bias[l], moment1_.bias[l], moment2_.bias[l]);
  }
  upload_x(s.x, shape_.n_features);
  const Targets& t = *s.targets;
  if (t.classification) {
    GFS_CUDA_CHECK(cudaMemcpyAsync(scratch_.labels, t.labels.data(), t.labels.size() * sizeof(std::int32_t),
                                   cudaMemcpyHostToDevice, st));
    upload(scratch_.class_weight, t.class_weight, st);
  } else {
    upload(scratch_.values, t.values, st);
  }
  if (t.survival) {
    upload(scratch_.time, t.time, st);
    upload(scratch_.event, t.event, st);
  }
  if (s.feature_cost != nullptr)
    upload(scratch_.cost, train::Span<const float>(s.feature_cost, static_cast<std::size_t>(shape_.n_features)), st);
}

void CudaBackend::prepare_kernel_args() {
  const DeviceScratch& s = scratch_;
  const int h0 = shape_.fan_out(0), de = shape_.embedding_dim;
  const cuda::BatchArgs batch{columns_, batch_, s.x, s.order};

  mask_args_ = cuda::MaskArgs{columns_,
                              de,
                              h0,
                              setup_.plan.seed,
                              value_.embedding.value,
                              value_.mask_weight.value,
                              value_.mask_bias.value,
                              value_.weight[0].value,
                              nullptr,
                              s.mask,
                              small_path_ ? nullptr : s.w0_masked,
                              s.mask_partial};
  mask_args_.global_ids = active_.empty() ? nullptr : s.global_ids;
  // The arena hands out an address for an empty reservation too: the kernels read "no costs" from
  // a null pointer, so set them only when the fit has costs.
  const bool costs = setup_.feature_cost != nullptr;
  mask_args_.cost = costs ? s.cost : nullptr;
  mask_args_.cost_partial = costs ? s.cost_partial : nullptr;
  gemv_args_ = cuda::GemvArgs{batch, h0, chunks_, s.mask, value_.weight[0].value, s.z_partial};

  cuda::HeadArgs& h = head_args_;
  h = cuda::HeadArgs{};
  h.batch = batch;
  h.n_layers = shape_.n_layers();
  for (int l = 0; l < h.n_layers; ++l) {
    const auto li = static_cast<std::size_t>(l);
    h.layer[l] = cuda::LayerArgs{static_cast<int>(shape_.fan_in(l)),
                                 shape_.fan_out(l),
                                 value_.weight[li],
                                 value_.bias[li],
                                 s.pre[li],
                                 s.dpre[li]};
  }
  h.z_partial = s.z_partial;
  h.n_partials = small_path_ ? chunks_.count : 1;
  h.mask_partial = s.mask_partial;
  h.cost_partial = mask_args_.cost_partial;
  h.n_mask_partials = cuda::mask_blocks(columns_);
  h.classification = setup_.targets->classification;
  h.labels = s.labels;
  h.class_weight = s.class_weight;
  h.values = s.values;
  h.survival = setup_.targets->survival;
  h.ties = setup_.targets->ties;
  h.time = h.survival ? s.time : nullptr;
  h.event = h.survival ? s.event : nullptr;
  h.cox = h.survival ? s.cox : nullptr;
  h.target_penalty = setup_.plan.penalty == kern::SelectPenalty::kTarget;
  h.target_features = static_cast<int>(setup_.plan.target_features);
  h.penalty_norm = setup_.plan.penalty_norm;
  h.fit_features = shape_.n_features;
  h.dsel_dm = s.dsel_dm;
  h.stats = s.stats;
  cuda::set_head_split(h, head_split_);
  h.grad_partial = s.head_partial;

  feature_args_ = cuda::FeatureArgs{batch,
                                    h0,
                                    de,
                                    feature_blocks_,
                                    small_path_,
                                    s.dpre[0],
                                    s.grad_g,
                                    s.mask,
                                    s.dsel_dm,
                                    value_.embedding.value,
                                    value_.weight[0],
                                    value_.mask_weight,
                                    value_.mask_bias,
                                    s.de_partial};
  feature_args_.cost = mask_args_.cost;
  feature_args_.global_ids = mask_args_.global_ids;
  embedding_args_ =
      cuda::EmbeddingArgs{de, feature_blocks_, setup_.plan.train_embedding, s.de_partial, value_.embedding, nullptr};
}

/// x [N, columns] (the whole matrix, or a gathered one) into the device's x buffer.
void CudaBackend::upload_x(const float* x, std::int64_t columns) {
  const auto bytes = static_cast<std::size_t>(n_rows_) * static_cast<std::size_t>(columns) * sizeof(float);
  GFS_CUDA_CHECK(cudaMemcpyAsync(scratch_.x, x, bytes, cudaMemcpyHostToDevice, stream()));
}

/// The device trains `columns` columns from now on: the launch geometry and arguments follow,
/// and the captured graph (its shapes baked in) is captured again at the next step.
void CudaBackend::configure_columns(std::int64_t columns) {
  columns_ = columns;
  chunks_ = cuda::gemv_chunks(columns_, sm_count_);
  feature_blocks_ = cuda::feature_blocks(columns_, sm_count_);
  prepare_kernel_args();
  graph_.reset();
}

/// The device's model (whole, or gathered: its shape has columns_ columns) into `state`.
void CudaBackend::download_state(TrainState& state) {
  state = TrainState(Params<float>(train::gathered_shape(shape_, columns_)));
  const cudaStream_t st = stream();
  auto get = [&](Params<float>& p, const DeviceParams& d) {
    download(p.embedding, d.embedding.value, st);
    download(p.mask_weight, d.mask_weight.value, st);
    download(p.mask_bias, d.mask_bias.value, st);
    for (std::size_t l = 0; l < p.weight.size(); ++l) {
      download(p.weight[l], d.weight[l].value, st);
      download(p.bias[l], d.bias[l].value, st);
    }
  };
  get(state.values, value_);
  get(state.moment1, moment1_);
  get(state.moment2, moment2_);
  GFS_CUDA_CHECK(cudaStreamSynchronize(st));
  state.step = adam_step_;
}

/// Gathered: writes the device's part back into whole_ (the device copy stays current).
void CudaBackend::sync_whole() {
  if (active_.empty()) return;
  TrainState part;
  download_state(part);
  train::scatter_state(part, active_, 0, whole_);
  whole_.step = adam_step_;
}

/// Trains columns `ids` from now on (empty: every column); whole_ must be current. The gathered
/// copy is built on the host by the CPU backend's functions (see the file comment).
void CudaBackend::train_columns(train::ColumnIds ids) {
  const cudaStream_t st = stream();
  if (ids.empty()) {
    upload_state(whole_);
    upload_x(setup_.x, shape_.n_features);
    GFS_CUDA_CHECK(cudaStreamSynchronize(st));  // whole_ is read by the copies above
    active_.clear();
    whole_ = TrainState{};
    configure_columns(shape_.n_features);
  } else {
    const auto a = static_cast<std::int64_t>(ids.size());
    const TrainState part = train::gather_state(whole_, 0, ids);
    std::vector<float> x;
    train::gather_x(setup_.x, n_rows_, shape_.n_features, ids, x);
    upload_state(part);
    upload_x(x.data(), a);
    GFS_CUDA_CHECK(cudaMemcpyAsync(scratch_.global_ids, ids.data(), ids.size() * sizeof(std::int64_t),
                                   cudaMemcpyHostToDevice, st));
    active_ = std::move(ids);
    configure_columns(a);
    GFS_CUDA_CHECK(cudaStreamSynchronize(st));  // the host copies above go out of scope
  }
}

/// Before epoch `epoch` at (tau, lambda): train::decide_active_set() on the logits (D floats read
/// back when dense; the host's whole_ on a recheck while gathered) says what the epoch trains.
void CudaBackend::update_active_set(float tau, float lambda, int epoch) {
  const train::ActivePolicy& policy = setup_.plan.active;
  if (!train::active_set_applies(policy, lambda)) return;
  const std::int64_t D = shape_.n_features;
  const bool recheck = train::is_recheck_epoch(policy, epoch);
  const train::ColumnIds* ids = active_.empty() ? nullptr : &active_;
  std::vector<float> w;
  const bool host_logits = ids != nullptr && recheck;
  if (host_logits) {
    sync_whole();
    w.resize(static_cast<std::size_t>(D));
    train::member_logits(whole_.values, 0, w.data());
  } else {  // the device's model: the whole one, or (between rechecks) the gathered one
    cuda::launch_logits(mask_args_, scratch_.logits, stream());
    w.resize(static_cast<std::size_t>(columns_));
    download(w, scratch_.logits, stream());
    GFS_CUDA_CHECK(cudaStreamSynchronize(stream()));
  }
  train::ActiveDecision d = train::decide_active_set(policy, recheck, ids, w.data(), D, tau);
  if (d.action == train::ActiveDecision::Action::kKeep) return;
  if (active_.empty()) {
    download_state(whole_);
  } else if (!host_logits) {
    sync_whole();
  }
  train_columns(d.action == train::ActiveDecision::Action::kGather ? std::move(d.ids) : train::ColumnIds{});
}

/// The launches of one step, in order; everything step-dependent is read on the device.
void CudaBackend::enqueue_step() {
  const cudaStream_t st = stream();
  const int h0 = shape_.fan_out(0);
  cuda::launch_gumbel_mask(mask_args_, scratch_.steps, scratch_.counter, st);
  if (small_path_) {
    cuda::launch_masked_gemv(gemv_args_, scratch_.steps, scratch_.counter, st);
  } else {
    cuda::launch_gather_rows(gemv_args_.batch, scratch_.x_batch, scratch_.steps, scratch_.counter, st);
    cuda::gemm_batch_w0(cublas_.get(), batch_, columns_, h0, scratch_.x_batch, scratch_.w0_masked,
                        scratch_.z_partial);
  }
  cuda::launch_task_head(head_args_, scratch_.steps, scratch_.counter, st);
  if (!small_path_)
    cuda::gemm_feature_grad(cublas_.get(), batch_, columns_, h0, scratch_.x_batch, scratch_.dpre[0],
                            scratch_.grad_g);
  cuda::launch_feature_backward(feature_args_, scratch_.steps, scratch_.counter, st);
  cuda::launch_embedding_adam(embedding_args_, scratch_.steps, scratch_.counter, st);
}

/// Records enqueue_step() once as a graph. If capture or instantiation fails (an old driver, a
/// cuBLAS that will not capture), the backend keeps launching the step directly: same results,
/// more launch overhead, and one line on stderr that says why.
void CudaBackend::capture_step_graph() {
  if (graph_ || graph_failed_ || !graphs_enabled()) return;
  graph_failed_ = true;
  GFS_CUDA_CHECK(cudaStreamBeginCapture(stream(), cudaStreamCaptureModeThreadLocal));
  std::string why;
  try {
    enqueue_step();
  } catch (const std::exception& e) {  // whatever was thrown, the capture must end below
    why = std::string("capture: ") + e.what();
  } catch (...) {
    why = "capture: unknown exception";
  }
  cudaGraph_t graph = nullptr;
  const cudaError_t end = cudaStreamEndCapture(stream(), &graph);
  if (why.empty() && end != cudaSuccess) why = std::string("end capture: ") + cudaGetErrorString(end);
  if (why.empty() && graph == nullptr) why = "end capture returned no graph";
  cudaGraphExec_t exec = nullptr;
  if (why.empty()) {
    const cudaError_t inst = cudaGraphInstantiate(&exec, graph, 0);
    if (inst == cudaSuccess) {
      graph_.reset(exec);
      graph_failed_ = false;
    } else {
      why = std::string("instantiate: ") + cudaGetErrorString(inst);
    }
  }
  if (graph != nullptr) GFS_CUDA_CHECK_NOTHROW(cudaGraphDestroy(graph));
  (void)cudaGetLastError();  // a failed capture leaves a non-sticky error behind
  if (graph_failed_)
    std::fprintf(stderr, "gfs: %s: CUDA graph of the step not used (%s); launching its kernels directly\n",
                 name().c_str(), why.c_str());
}

void CudaBackend::fill_step_table(std::int64_t n, std::int64_t steps, float tau, float lambda,
                                  std::int64_t first_step) {
  const train::Plan& cfg = setup_.plan;
  for (std::int64_t i = 0; i < steps; ++i) {
    const std::int64_t step = first_step + i;
    cuda::StepParams& p = host_steps_[static_cast<std::size_t>(i)];
    p.row_offset = i * batch_;
    p.n_rows = static_cast<std::int32_t>(std::min<std::int64_t>(batch_, n - i * batch_));
    p.stats_slot = static_cast<std::int32_t>(i);
    p.subsequence = kern::kTrainStream + static_cast<std::uint64_t>(step);
    p.tau = tau;
    p.lambda = lambda;
    p.task = kern::adam_step_coefficients<float>(cfg.lr_task, cfg.adam_beta1, cfg.adam_beta2, cfg.adam_eps, step + 1);
    p.mask = kern::adam_step_coefficients<float>(cfg.lr_mask, cfg.adam_beta1, cfg.adam_beta2, cfg.adam_eps, step + 1);
  }
}

void CudaBackend::train_members(const train::EpochWork& work, std::vector<EpochStats>& out) {
  if (host_steps_.size() == 0) throw Error(ErrorCode::kInternal, "CUDA backend: train_epoch() before setup()");
  if (work.orders.size() != 1) throw Error(ErrorCode::kInternal, "CUDA backend: one member per setup()");
  out.assign(1, EpochStats{});
  EpochStats& stats = out[0];
  const std::vector<std::int32_t>& order = *work.orders[0];
  const float tau = work.tau, lambda = work.lambda;
  const std::int64_t first_step = work.first_step;
  const auto n = static_cast<std::int64_t>(order.size());
  if (n > n_rows_) throw Error(ErrorCode::kInternal, "CUDA backend: epoch order longer than the data");
  if (n == 0) return;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int32_t r = order[static_cast<std::size_t>(i)];
    if (r < 0 || r >= n_rows_)
      throw Error(ErrorCode::kInternal, "CUDA backend: row index out of range in the epoch order");
    host_order_[static_cast<std::size_t>(i)] = r;
  }
  cuda::DeviceScope scope(ordinal_);
  const cudaStream_t st = stream();
  const std::int64_t steps = cuda::ceil_div(n, batch_);
  update_active_set(tau, lambda, work.epoch);
  fill_step_table(n, steps, tau, lambda, first_step);
  GFS_CUDA_CHECK(cudaMemcpyAsync(scratch_.order, host_order_.data(), static_cast<std::size_t>(n) * sizeof(std::int32_t),
                                 cudaMemcpyHostToDevice, st));
  GFS_CUDA_CHECK(cudaMemcpyAsync(scratch_.steps, host_steps_.data(),
                                 static_cast<std::size_t>(steps) * sizeof(cuda::StepParams), cudaMemcpyHostToDevice,
                                 st));
  GFS_CUDA_CHECK(cudaMemsetAsync(scratch_.counter, 0, sizeof(int), st));
  for (std::int64_t i = 0; i < steps; ++i) {
    // The first step of a fit runs directly, loading every kernel module before any capture.
    if (warmed_) capture_step_graph();
    if (graph_) {
      GFS_CUDA_CHECK(cudaGraphLaunch(graph_.get(), st));
    } else {
      enqueue_step();
    }
    warmed_ = true;
  }
  GFS_CUDA_CHECK(cudaMemcpyAsync(host_stats_.data(), scratch_.stats,
                                 static_cast<std::size_t>(steps) * cuda::kStatsPerStep * sizeof(float),
                                 cudaMemcpyDeviceToHost, st));
  GFS_CUDA_CHECK(cudaStreamSynchronize(st));
  for (std::int64_t i = 0; i < steps; ++i) {
    const float* t = &host_stats_[static_cast<std::size_t>(i) * cuda::kStatsPerStep];
    stats.loss += t[0];
    stats.task_loss += t[1];
    stats.select_loss += t[2];
    stats.mean_mask += t[3];
  }
  stats.steps = steps;
  stats.columns = columns_;
  adam_step_ = first_step + steps;
}

void CudaBackend::read_logits(std::vector<float>& logits) {
  cuda::DeviceScope scope(ordinal_);
  if (scratch_.logits == nullptr) throw Error(ErrorCode::kInternal, "CUDA backend: read_logits() before setup()");
  if (!active_.empty()) {  // gathered: the whole model is the host's, once the part is written back
    sync_whole();
    logits.resize(static_cast<std::size_t>(shape_.n_features));
    train::member_logits(whole_.values, 0, logits.data());
    return;
  }
  cuda::launch_logits(mask_args_, scratch_.logits, stream());
  logits.resize(static_cast<std::size_t>(shape_.n_features));
  download(logits, scratch_.logits, stream());
  GFS_CUDA_CHECK(cudaStreamSynchronize(stream()));
}

void CudaBackend::export_state(TrainState& state) {
  cuda::DeviceScope scope(ordinal_);
  if (scratch_.logits == nullptr) throw Error(ErrorCode::kInternal, "CUDA backend: export_state() before setup()");
  if (active_.empty()) {
    download_state(state);
  } else {
    sync_whole();
    state = whole_;
  }
}

void CudaBackend::import_state(const TrainState& state) {
  cuda::DeviceScope scope(ordinal_);
  if (scratch_.logits == nullptr) throw Error(ErrorCode::kInternal, "CUDA backend: import_state() before setup()");
  const std::size_t n = train::ParamLayout(shape_).size;
  if (state.values.flat.size() != n || state.moment1.flat.size() != n || state.moment2.flat.size() != n)
    throw Error(ErrorCode::kInvalidArgument, "CUDA backend: the imported training state has another shape");
  if (!active_.empty()) {  // back to the whole model; the next epoch decides again
    active_.clear();
    whole_ = TrainState{};
    upload_x(setup_.x, shape_.n_features);
    configure_columns(shape_.n_features);
  }
  upload_state(state);
  GFS_CUDA_CHECK(cudaStreamSynchronize(stream()));
}

/// The evidence runs on the host (a few forward passes per held-out row and column, in double).
void CudaBackend::column_evidence(const HeldOutRows& held_out, const std::vector<char>& active, int threads,
                                  ColumnEvidence& out) {
  TrainState state;
  export_state(state);
  cpu_column_evidence(state.values, held_out, active, threads, out);
}

}  // namespace

std::unique_ptr<train::Backend> make_cuda_backend(int ordinal) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    (void)cudaGetLastError();
    throw Error(ErrorCode::kDeviceUnavailable,
                std::string("no usable CUDA device (") + cudaGetErrorString(status) +
                    "): check the NVIDIA driver with nvidia-smi and CUDA_VISIBLE_DEVICES, or use --device cpu");
  }
  if (count == 0)
    throw Error(ErrorCode::kDeviceUnavailable, "no CUDA device found: check CUDA_VISIBLE_DEVICES, or use --device cpu");
  if (ordinal < 0 || ordinal >= count)
    throw Error(ErrorCode::kDeviceUnavailable, "CUDA device cuda:" + std::to_string(ordinal) +
                                                   " does not exist: this machine has " + std::to_string(count) +
                                                   " CUDA device(s), cuda:0 to cuda:" + std::to_string(count - 1));
  return std::make_unique<CudaBackend>(ordinal);
}

}  // namespace gfs::detail
