/* sparse_tables.h — the host's symbolic sparse LU (src/plan/sparse_lu.c)
 * handed to a kernel test as plain arrays, so the kernel's numeric
 * factorisation (kernels/linsolve_sparse.h) can run on tables made for
 * patterns chosen at run time. Built apart from the kernel translation
 * unit (sparse_tables.c links libcubie; the kernel TU includes no host
 * header).
 */
#ifndef CUBIE_TEST_SPARSE_TABLES_H
#define CUBIE_TEST_SPARSE_TABLES_H

typedef struct test_sparse_tables {
  int nnz, fill, l_nnz, u_nnz, order; /* order: 1 = minimum degree */
  long long operations;
  int *perm, *diag, *j_pos, *j_start, *l_start, *l_pos, *l_step, *l_col, *u_start, *u_pos, *u_col, *update;
} test_sparse_tables;

/* Tables for J's pattern (rows[k], cols[k], row-major); 0 on success. */
int test_sparse_tables_build(int n, const int *rows, const int *cols, int nnz, test_sparse_tables *t);
void test_sparse_tables_free(test_sparse_tables *t);

#endif
