/* The C API from C, through the installed package. */
#include <stdio.h>

#include "gfs/gfs.h"

int main(void) {
  gfs_selector* s = NULL;
  if (gfs_create(&s) != GFS_OK) return 1;
  int bad = gfs_set(s, "no_such_setting", "1") == GFS_OK;
  printf("consumer_c: gfs %s, expected error: %s\n", gfs_version(), gfs_last_error());
  gfs_destroy(s);
  return bad;
}
