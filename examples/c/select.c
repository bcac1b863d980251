/* Example: the C API on a synthetic problem whose class depends on features 0..4 only. */
#include <stdio.h>
#include <stdlib.h>

#include "gfs/gfs.h"

static float uniform01(unsigned* state) {
  *state = *state * 1664525u + 1013904223u;
  return (float)((*state >> 8) + 1) / 16777217.0f;
}

int main(void) {
  enum { N = 500, D = 50 };
  static float x[N * D], y[N];
  unsigned state = 7;
  for (int i = 0; i < N; ++i) {
    float s = 0;
    for (int j = 0; j < D; ++j) {
      x[i * D + j] = uniform01(&state) - 0.5f;
      if (j < 5) s += x[i * D + j];
    }
    y[i] = s > 0 ? 1.0f : 0.0f;
  }
  gfs_selector* sel = NULL;
  if (gfs_create(&sel) != GFS_OK || gfs_set(sel, "epochs", "60") != GFS_OK || gfs_set(sel, "device", "cpu") != GFS_OK ||
      gfs_fit(sel, x, N, D, y, 1) != GFS_OK) {
    fprintf(stderr, "gfs: %s\n", gfs_last_error());
    gfs_destroy(sel);
    return 2;
  }
  int64_t k = 0;
  gfs_n_selected(sel, &k);
  int64_t* idx = malloc(sizeof(int64_t) * (size_t)(k > 0 ? k : 1));
  gfs_get_selected(sel, idx, k);
  printf("gfs %s: %lld of %d features selected:", gfs_version(), (long long)k, D);
  for (int64_t i = 0; i < k; ++i) printf(" %lld", (long long)idx[i]);
  printf("\n");
  free(idx);
  gfs_destroy(sel);
  return 0;
}
