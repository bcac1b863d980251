/* @file gfs.h
 * @brief The C API of libgfs: an opaque handle, int status codes and a thread-local message.
 *
 *   gfs_selector* s = NULL;
 *   if (gfs_create(&s) != GFS_OK) { puts(gfs_last_error()); }
 *   gfs_set(s, "epochs", "100");
 *   gfs_fit(s, x, n_rows, n_features, y, 1);
 *   int64_t k; gfs_n_selected(s, &k);
 *   gfs_get_selected(s, idx, k);
 *   gfs_destroy(s);
 *
 * Every function returns GFS_OK (0) or a gfs_status; after a failure gfs_last_error() says why.
 * No C++ exception ever crosses this boundary. */
#ifndef GFS_GFS_H
#define GFS_GFS_H

#include <stdint.h>

#include "gfs/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gfs_status {
  GFS_OK = 0,
  GFS_ERR_INVALID_ARGUMENT = 1,
  GFS_ERR_INVALID_DATA = 2,
  GFS_ERR_DEVICE_UNAVAILABLE = 3,
  GFS_ERR_IO = 4,
  GFS_ERR_INTERNAL = 5,
  GFS_ERR_NOT_FITTED = 6,
  GFS_ERR_BUFFER_TOO_SMALL = 7,
  GFS_CHECKPOINTED = 8 /* the fit stopped on request (gfs_request_stop) after writing its checkpoint */
} gfs_status;

typedef struct gfs_selector gfs_selector;

/* "0.1.0" */
GFS_API const char* gfs_version(void);
/* The message of the last failure on this thread ("" when none). */
GFS_API const char* gfs_last_error(void);

GFS_API int gfs_create(gfs_selector** out);
GFS_API void gfs_destroy(gfs_selector* s);
/* Keys and values as in gfs::Config::set, e.g. ("batch_size", "32"), ("task", "regression"). */
GFS_API int gfs_set(gfs_selector* s, const char* key, const char* value);
/* Writes the current value of `key` (NUL-terminated) into buf of buf_size bytes. */
GFS_API int gfs_get(const gfs_selector* s, const char* key, char* buf, int64_t buf_size);

/* x: [n_rows, n_features] row-major float32; y: class labels (as floats) or [n_rows, n_targets];
 * task "survival": y is [n_rows, 2] = (time >= 0, event 1 or 0 for censored), n_targets = 2.
 * A fit that fails (any status but GFS_OK) leaves the handle's previous result, if any, as it was:
 * the getters and gfs_transform keep answering for the last fit that succeeded (as scikit-learn's
 * estimators keep their fitted attributes); before any successful fit they return GFS_ERR_NOT_FITTED. */
GFS_API int gfs_fit(gfs_selector* s, const float* x, int64_t n_rows, int64_t n_features, const float* y,
                    int32_t n_targets);
/* gfs_fit without the n_rows x n_features working copy (gfs::Selector::fit_in_place): x is
 * standardised where it is, (x - mean) / (std + 1e-6) with missing cells 0 (standardize off:
 * missing cells take the column's mean), and left so; the result is gfs_fit's on the same values.
 * Input or settings that are refused leave x untouched. */
GFS_API int gfs_fit_in_place(gfs_selector* s, float* x, int64_t n_rows, int64_t n_features, const float* y,
                             int32_t n_targets);

/* Feature-parallel fits over MPI (a libgfs built with MPI; gfs/gfs_mpi.h takes an MPI_Comm): the
 * communicator is given by its Fortran handle (MPI_Comm_c2f), so this header needs no mpi.h. Every
 * rank of the communicator calls with the same arguments and gets the same result; later gfs_fit
 * calls run in one process again. gfs_fit_columns_comm: each rank passes only its block x [n_rows,
 * count], the columns [first, first + count) that gfs_columns_of(n_features, rank, size) names. */
GFS_API int gfs_fit_comm(gfs_selector* s, int64_t comm_fortran, const float* x, int64_t n_rows, int64_t n_features,
                         const float* y, int32_t n_targets);
GFS_API int gfs_fit_columns_comm(gfs_selector* s, int64_t comm_fortran, const float* x, int64_t n_rows, int64_t first,
                                 int64_t count, int64_t n_features, const float* y, int32_t n_targets);
GFS_API int gfs_columns_of(int64_t n_features, int32_t rank, int32_t size, int64_t* first, int64_t* count);

/* Checkpoints (gfs/checkpoint.hpp): write the training state to `path` every `every` epochs (0: only
 * on gfs_request_stop; NULL or "": never), start from the checkpoint `resume` (NULL or "": fresh).
 * Applies to the next gfs_fit calls. */
GFS_API int gfs_set_checkpoint(gfs_selector* s, const char* path, int32_t every, const char* resume);
/* Asks a running (or the next) gfs_fit on s to stop after its current epoch, write its checkpoint and
 * return GFS_CHECKPOINTED. Only sets a flag: safe to call from a signal handler or another thread.
 * A request applies to one fit: the one running, else the next one started. It is discarded when
 * the handle has no checkpoint (gfs_set_checkpoint not called: no fit would act on it), and when a
 * fit returns without having acted on it (it came after the last epoch), so it never stops a later
 * fit than the one it was meant for. */
GFS_API void gfs_request_stop(gfs_selector* s);

GFS_API int gfs_n_features(const gfs_selector* s, int64_t* out);
GFS_API int gfs_n_selected(const gfs_selector* s, int64_t* out);
/* The getters below copy into a buffer whose `capacity` counts values (buf_size: bytes): a negative
 * one is GFS_ERR_INVALID_ARGUMENT, one smaller than the values GFS_ERR_BUFFER_TOO_SMALL.
 * gfs_get_selected copies the selected indices (ascending) into out[0..capacity). */
GFS_API int gfs_get_selected(const gfs_selector* s, int64_t* out, int64_t capacity);
/* Support "validated" (the default): the candidates its held-out test started from (the features
 * with w_j > 0, or the "fallback_candidates" largest logits when none is open, and the pair and
 * column screens' columns); 0 of them under any other rule. */
GFS_API int gfs_n_candidates(const gfs_selector* s, int64_t* out);
GFS_API int gfs_get_candidates(const gfs_selector* s, int64_t* out, int64_t capacity);
/* Support "validated": the pairs of columns the pair screen found (setting "pair_screen"),
 * strongest first. gfs_get_interactions writes pair i's columns to pairs[2i], pairs[2i + 1]
 * (a < b) and its z to z[i]; capacity counts pairs. */
GFS_API int gfs_n_interactions(const gfs_selector* s, int64_t* out);
GFS_API int gfs_get_interactions(const gfs_selector* s, int64_t* pairs, double* z, int64_t capacity);
/* Support "validated": the columns the column screen entered (setting "column_screen"), in the
 * order they entered. gfs_get_screened writes column i to columns[i], the term it entered through
 * to term[i] (0: x itself, 1: its square, 2: the log of its height above its floor, a count's
 * size where it is not zero), its z to z[i] and its adjusted p-value to p[i]; capacity counts
 * columns. */
GFS_API int gfs_n_screened(const gfs_selector* s, int64_t* out);
GFS_API int gfs_get_screened(const gfs_selector* s, int64_t* columns, int32_t* term, double* z, double* p,
                             int64_t capacity);
GFS_API int gfs_get_scores(const gfs_selector* s, int32_t* out, int64_t capacity);
GFS_API int gfs_get_logits(const gfs_selector* s, float* out, int64_t capacity);
GFS_API int gfs_get_probabilities(const gfs_selector* s, float* out, int64_t capacity);
/* Support "stability": per feature the share of the members that kept it (n_features values, all 0
 * under another rule), and the Meinshausen-Buehlmann bound on the expected number of noise features
 * kept (+inf for a threshold <= 1/2; 0 under another rule). */
GFS_API int gfs_get_frequencies(const gfs_selector* s, float* out, int64_t capacity);
GFS_API int gfs_get_expected_false_selections(const gfs_selector* s, double* out);
GFS_API int gfs_get_ranking(const gfs_selector* s, int64_t* out, int64_t capacity);
/* Per feature the share of its cells that were missing (NaN in x: a missing value; n_features
 * values, all 0 for a complete table). */
GFS_API int gfs_get_missing_fraction(const gfs_selector* s, float* out, int64_t capacity);
/* Which device ran the fit ("cpu", "cuda:0"), NUL-terminated into buf. */
GFS_API int gfs_get_device(const gfs_selector* s, char* buf, int64_t buf_size);
/* Classes (classification), target columns (regression), or 1 (survival: the risk score). */
GFS_API int gfs_get_n_outputs(const gfs_selector* s, int64_t* out);
/* The last epoch trained, and why training stopped there: "epochs" (the cap), "converged" (tol /
 * n_iter_no_change) or "callback". */
GFS_API int gfs_get_stopped_epoch(const gfs_selector* s, int64_t* out);
GFS_API int gfs_get_stop_reason(const gfs_selector* s, char* buf, int64_t buf_size);
/* Wall time of the fit in seconds; support "stability": the members' mean number of features kept. */
GFS_API int gfs_get_fit_seconds(const gfs_selector* s, double* out);
GFS_API int gfs_get_mean_member_selected(const gfs_selector* s, double* out);
/* The history: one record per epoch trained (gfs_n_epochs of them). gfs_get_history copies one
 * field of every record into out[0..epochs): "epoch", "tau", "loss", "task_loss", "select_loss",
 * "mean_mask", "n_active" (open masks) or "n_trained" (the columns the epoch trained); another
 * name is GFS_ERR_INVALID_ARGUMENT. */
GFS_API int gfs_n_epochs(const gfs_selector* s, int64_t* out);
/* With setting "record_probabilities": p_j after each epoch, [epochs, n_features] row-major (no
 * values otherwise). */
GFS_API int gfs_get_probability_history(const gfs_selector* s, float* out, int64_t capacity);
/* The standardisation statistics of the training data over the observed values (n_features values
 * each; none with setting "standardize" off). */
GFS_API int gfs_get_feature_mean(const gfs_selector* s, float* out, int64_t capacity);
GFS_API int gfs_get_feature_std(const gfs_selector* s, float* out, int64_t capacity);
/* Why the device is not the one asked for (e.g. "auto" fell back to the CPU), or "". */
GFS_API int gfs_get_device_note(const gfs_selector* s, char* buf, int64_t buf_size);
/* The columns the prescreen let into the network (the others started closed and never trained);
 * 0: no prescreen, every column trained. */
GFS_API int gfs_get_prescreen_columns(const gfs_selector* s, int64_t* out);
/* Processes of a feature-parallel (MPI) fit, and how the columns were split: rank r trained
 * columns [out[2r], out[2r] + out[2r + 1]) (capacity counts values; none for one process). */
GFS_API int gfs_get_ranks(const gfs_selector* s, int64_t* out);
GFS_API int gfs_get_rank_columns(const gfs_selector* s, int64_t* out, int64_t capacity);
/* A setting as the fit used it ("auto" resolved, e.g. "lambda"), NUL-terminated into buf; gfs_get
 * gives the handle's setting for the next fit. */
GFS_API int gfs_get_fit_setting(const gfs_selector* s, const char* key, char* buf, int64_t buf_size);
GFS_API int gfs_get_history(const gfs_selector* s, const char* field, double* out, int64_t capacity);

/* out: [n_rows, n_selected] row-major, the selected columns of x. */
GFS_API int gfs_transform(const gfs_selector* s, const float* x, int64_t n_rows, int64_t n_features, float* out,
                          int64_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* GFS_GFS_H */
