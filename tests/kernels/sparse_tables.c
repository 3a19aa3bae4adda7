/* sparse_tables.c — see sparse_tables.h. */
#include "sparse_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/sparse_lu.h"
#include "util/error.h"

int test_sparse_tables_build(int n, const int *rows, const int *cols, int nnz, test_sparse_tables *t) {
  memset(t, 0, sizeof *t);
  cubie_model_jacobian_entry *p = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *p);
  if (!p) return 1;
  for (int k = 0; k < nnz; k++) p[k].row = rows[k], p[k].column = cols[k];
  cubie_sparse_lu *lu = NULL;
  int rc = cubie_sparse_lu_create(n, p, nnz, 0, &lu);
  free(p);
  if (rc) {
    fprintf(stderr, "cubie_sparse_lu_create: %s\n", cubie_error_message());
    return rc;
  }
  t->nnz = lu->nnz;
  t->fill = lu->fill;
  t->l_nnz = lu->l_nnz;
  t->u_nnz = lu->u_nnz;
  t->order = lu->order == CUBIE_SPARSE_ORDER_MINIMUM_DEGREE;
  t->operations = lu->operations;
  /* Take the arrays over. */
  t->perm = lu->perm, t->diag = lu->diag, t->j_pos = lu->j_pos, t->l_start = lu->l_start;
  t->j_start = lu->j_start;
  t->l_pos = lu->l_pos, t->l_step = lu->l_step, t->l_col = lu->l_col, t->u_start = lu->u_start;
  t->u_pos = lu->u_pos, t->u_col = lu->u_col, t->update = lu->update;
  memset(lu, 0, sizeof *lu);
  cubie_sparse_lu_destroy(&lu);
  return 0;
}

void test_sparse_tables_free(test_sparse_tables *t) {
  int **arrays[] = {&t->perm, &t->diag, &t->j_pos, &t->j_start, &t->l_start, &t->l_pos, &t->l_step,
                    &t->l_col, &t->u_start, &t->u_pos, &t->u_col, &t->update};
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
    free(*arrays[i]);
    *arrays[i] = NULL;
  }
}
