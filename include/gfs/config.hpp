/// @file config.hpp
/// @brief Every hyper-parameter of a GFSNetwork fit, with the defaults of this library and a
///        reference-compatible preset (gfs-network 0.3.1).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gfs/device.hpp"
#include "gfs/export.h"

namespace gfs {

/// kSurvival: the targets are a time and an event flag (1 event, 0 censored); the loss is the
/// negative Cox partial log-likelihood over each batch's risk sets.
enum class Task { kClassification, kRegression, kSurvival };
/// Survival: how tied event times share a risk set in the Cox partial likelihood.
enum class CoxTies { kBreslow, kEfron };
/// Selection penalty: kRaw = mean_j m_j; kTarget = (mean_j m_j - k/D)^2.
enum class Penalty { kRaw, kTarget };
/// How the selection penalty is normalised: its weight per mask is lambda / norm.
enum class PenaltyScale {
  kMean,    ///< norm = D: lambda * mean_j m_j (the paper; the push per feature fades as D grows)
  kRows,    ///< norm = N / (ln D)^2: lambda (ln D)^2 / N per open feature; falls with the rows,
            ///< grows slowly with the width (so it does not fade with D)
  kColumn,  ///< norm = 1: lambda per open feature
};
/// Which features form the support after training.
enum class SupportRule {
  /// The kMajority features that also pass a held-out test: two task networks, each trained on
  /// half of the rows and only those features, must lose accuracy on the other half when the
  /// feature is replaced by its mean (z >= validation_z; the weakest are removed first).
  kValidated,
  kMajority,  ///< w_j > 0, i.e. sigma(w_j) > 0.5 (paper section 3.5)
  kAny,       ///< s_j > 0 over n_draws hard draws (the reference package's rule)
  kTopK,      ///< the top_k features by logit
  /// Stability selection: `members` models, each trained on one half of the rows (complementary
  /// halves), trained together; a feature is kept when at least `stability_threshold` of the
  /// members keep it (w_j > 0) (Meinshausen & Buehlmann 2010; Shah & Samworth 2013).
  kStability,
};
/// The pair screen (support "validated"): a test of every pair of columns for an effect through
/// their product, whose columns join the held-out test's candidates.
enum class PairScreen {
  kAuto,  ///< on when its arithmetic (outputs x D^2 x N / 2 multiply-adds) stays within a budget
  kOn,
  kOff,
};
/// Class weights of the cross-entropy.
enum class ClassWeights {
  kNone,       ///< plain mean
  kBalanced,   ///< N / (C * count_c), as scikit-learn's "balanced"
  kReference,  ///< class frequencies in reversed order (what gfs-network 0.3.1 does)
};

/// The most CPU threads a fit may use (Config::threads). Above the hardware threads of any
/// current machine, below where the OpenMP runtime can no longer start a team (100 000 threads
/// crashed it): a larger value is an error, not a clamp, so a typo does not go unnoticed.
inline constexpr int kMaxThreads = 1024;

struct Config {
  // -- task ------------------------------------------------------------------------------------------
  Task task = Task::kClassification;
  ClassWeights class_weights = ClassWeights::kNone;
  CoxTies cox_ties = CoxTies::kBreslow;  ///< survival: Breslow (the default of most software) or Efron

  // -- model -----------------------------------------------------------------------------------------
  int embedding_dim = 32;              ///< d_e
  std::vector<int> hidden = {32, 32};  ///< task MLP hidden sizes H1, H2, ...
  bool train_embedding = true;         ///< paper: true; reference package: false

  // -- training --------------------------------------------------------------------------------------
  int epochs = 200;
  int batch_size = 32;  ///< rows per step; a table with fewer rows trains on all of them each step
  bool shuffle = true;
  /// Standardise each column before training. Off: a fit refuses any |x| above 1e15 (naming its
  /// column), where the step's float32 products and squares could overflow.
  bool standardize = true;
  /// Regression: scale each target column to zero mean and unit variance, so that lambda weighs the
  /// penalty against a task loss of the same size whatever the targets' units (reference: off).
  bool standardize_targets = true;
  float tau0 = 2.0F;
  float tau_decay = 0.997F;  ///< alpha: tau <- tau * alpha after each epoch
  /// Weight of the penalty. Negative ("auto", the default): for the raw penalty 0.17 under
  /// penalty_scale "rows", 0.3 under "mean", 0.01 under "column"; 1 for the target penalty (paper
  /// and reference: 1, "mean"; see README "Defaults"). A fit's Result holds the value used.
  float lambda = -1.0F;
  /// Fraction of the epochs trained with lambda = 0 before the penalty starts, so that the task
  /// network learns what every feature is worth (e.g. an effect through x^2) before masks close.
  float penalty_warmup = 0.1F;
  Penalty penalty = Penalty::kRaw;
  /// How the raw penalty is normalised (its weight per mask is lambda / norm); see PenaltyScale.
  PenaltyScale penalty_scale = PenaltyScale::kRows;
  /// Fraction of the epochs over which lambda rises linearly from 0 after the warm-up (0: at once).
  float penalty_ramp = 0.0F;
  int target_features = 0;  ///< k for Penalty::kTarget and SupportRule::kTopK
  float lr_mask = 4e-3F;    ///< eta_1: phi and e
  float lr_task = 1e-3F;    ///< eta_2: theta (the paper: 3e-4 at batch 1; see README "Defaults")
  float adam_beta1 = 0.9F;
  float adam_beta2 = 0.999F;
  float adam_eps = 1e-8F;
  std::uint64_t seed = 0;

  // -- fit time (README "Scaling") ------------------------------------------------------------------
  /// Train every column in every step for all `epochs` (the paper's algorithm, bit for bit as
  /// before the active set and the stopping rule existed). Config::reference() sets it.
  bool exact = false;
  /// Convergence stopping (scikit-learn's tol / n_iter_no_change): after the warm-up and the ramp,
  /// training stops once, for n_iter_no_change epochs in a row, the support (w_j > 0) and the order
  /// of the kept columns have not changed and the mean loss has not improved on its best by more
  /// than tol. 0 turns stopping off; `epochs` stays the cap.
  float tol = 1e-4F;
  int n_iter_no_change = 10;
  /// The active set: a column stops costing a step once P(its mask > active_eps) < active_delta
  /// at the current tau; every active_recheck epochs every column is checked again (1: every
  /// epoch, which keeps the set a function of the state, so checkpoints resume bit for bit).
  float active_eps = 1e-2F;
  float active_delta = 1e-2F;
  int active_recheck = 1;
  /// The prescreen: before training, only the `prescreen` columns with the strongest marginal
  /// statistic (the column screen's |z| of x and of (x - mean)^2 against the target's residual)
  /// and the pair screen's columns start open; every other column starts closed, below the active
  /// set's threshold, so the warm-up and every later epoch train about this many columns whatever
  /// D is (sure independence screening, Fan & Lv 2008). The penalty and the screens still count
  /// all D columns. Applied when D is more than twice the width; -1 ("auto"): max(1000, 2 N); 0:
  /// off (every column trains). Never in exact fits, nor with support "stability" (whose bound assumes
  /// each member sees only its half of the rows).
  int prescreen = -1;

  // -- outputs ---------------------------------------------------------------------------------------
  SupportRule support = SupportRule::kValidated;
  /// kValidated: the z-score a candidate's held-out gain must reach. 1 is lenient on purpose: the
  /// candidates have already survived the penalty; the test removes those the held-out rows do not
  /// support (2 lost weak informative features on the demo data; see README "Selection quality").
  float validation_z = 1.0F;
  /// kValidated: columns that act through a product with another column have no effect of their
  /// own, so the penalty closes them before the network learns the product. The screen tests
  /// every pair a < b for a correlation between the target's residual and x_a x_b
  /// (z = sum r x_a x_b / sqrt(sum r^2 x_a^2 x_b^2), Bonferroni over all pairs at 1 %); the
  /// columns of the strongest pairs join the candidates of the held-out test, which decides.
  PairScreen pair_screen = PairScreen::kAuto;
  /// kValidated: a column whose effect the training did not keep open, with few rows (the penalty
  /// closes every mask at N = 200) or through its square alone (no linear effect to follow), is
  /// looked for directly. The screen tests every column's linear term x_a, its square
  /// (x_a - mean)^2 and, where a tenth of the rows share the column's smallest value (a count's
  /// zeros), its magnitude log(x_a - floor) on the rows above the floor, against the target's
  /// residual r (z = sum r t / sqrt(sum r^2 t^2), at the marginal steps, and at every step for
  /// classes, the larger of it and a skew-corrected permutation z; Bonferroni over outputs x 2 x D
  /// tests at 5 %, a column with three terms weighted 3/2); the strongest columns join the held-out
  /// test's candidates, which decides. Costs one pass over the data.
  bool column_screen = true;
  /// kValidated: when the penalty leaves no column open (few rows: its weight per open column,
  /// lambda (ln D)^2 / N, closed every mask at N = 200), the held-out test examines this many
  /// columns with the largest logits instead; each must reach the one-sided Bonferroni bound over
  /// them at 5 %. 0: such a fit keeps nothing.
  int fallback_candidates = 10;
  /// What the user knows (feature indices, 0-based, as in `selected`; README "Columns you know").
  /// must_keep: always in the model and in `selected`. Their masks are pinned open for the whole
  /// fit (mask logit +1e4 x max(1, tau0), reported in `logits`: the mask is exactly 1 whatever the
  /// noise, so neither the task nor the penalty moves it), the held-out test keeps them whatever it
  /// finds, and the other columns are chosen beside them. must_drop: never trained, never selected
  /// (the mask is pinned shut, below 1e-38; the logit is the negative value), ranked last, and no
  /// screen's finding makes them a candidate. A column may not be in both; every index must be a
  /// column of the table.
  std::vector<int> must_keep;
  std::vector<int> must_drop;
  /// The selection penalty's cost of each column, one per feature column (empty: every column
  /// costs 1): the raw penalty charges lambda c_j / norm for an open column j, so an expensive
  /// assay must earn more to stay open, and a column of cost 0 is free (not pinned: its mask
  /// follows the task alone). Under support "validated" a column with c_j > 1 must reach
  /// validation_z x c_j in the held-out test (screen-confirmed or not; must-keep columns stay), and
  /// of the candidates that fail, the one with the least evidence per cost goes first. Finite,
  /// >= 0; not with the target penalty.
  std::vector<float> feature_cost;
  int members = 8;                    ///< kStability: models on complementary halves (even)
  float stability_threshold = 0.6F;   ///< kStability: the share of members that must keep a feature
  int n_draws = 1000;                 ///< hard Gumbel draws behind the scores s_j
  bool record_probabilities = false;  ///< keep every feature's p_j after each epoch (paper Figure 2)

  // -- execution -------------------------------------------------------------------------------------
  Device device = Device::automatic();
  int threads = 0;  ///< CPU threads, 0..kMaxThreads; 0 = all cores
  bool verbose = false;

  // -- resources -------------------------------------------------------------------------------------
  /// Memory a fit may use, in bytes (settable as "8G", "512M"); 0 = what the machine has available
  /// (MemAvailable, capped by a cgroup limit). A fit whose estimate exceeds it is refused up front;
  /// the estimate counts the process's fixed cost too (32 MiB; 256 MiB more for the CUDA runtime
  /// when libgfs is built with CUDA and the device is not "cpu"), so the limit bounds the peak RSS.
  std::uint64_t max_memory = 0;

  /// The settings of gfs-network 0.3.1: batch 1, no shuffling, frozen embedding, reference class
  /// weights, no penalty warm-up, support rule "any", one score draw per batch of the training set.
  GFS_API static Config reference();

  /// Sets one setting by its key (the names of the fields above, e.g. "batch_size", "lambda",
  /// "hidden" = "64,32", "task" = "regression", "device" = "cuda:0"). Throws gfs::Error with
  /// kInvalidArgument naming the key and the accepted values.
  GFS_API void set(const std::string& key, const std::string& value);
  /// Every setting as (key, value) text, in a stable order; set(key, value) reads each back.
  [[nodiscard]] GFS_API std::vector<std::pair<std::string, std::string>> items() const;
  /// lambda, with "auto" (negative) resolved for the configured penalty.
  [[nodiscard]] GFS_API float penalty_weight() const;
  /// Throws gfs::Error (kInvalidArgument) naming the first setting that is out of range.
  GFS_API void validate() const;
};

GFS_API std::string to_string(Task t);
GFS_API std::string to_string(Penalty p);
GFS_API std::string to_string(SupportRule s);
GFS_API std::string to_string(ClassWeights w);
GFS_API std::string to_string(PenaltyScale s);
GFS_API std::string to_string(CoxTies t);

}  // namespace gfs
