/* sparse_lu.c — elimination orders and the symbolic factorisation (see
 * sparse_lu.h). */
#include "plan/sparse_lu.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"

typedef uint64_t word;
#define WORD_BITS 64

static int words_for(int n) { return (n + WORD_BITS - 1) / WORD_BITS; }
static void bit_set(word *b, int i) { b[i / WORD_BITS] |= (word)1 << (i % WORD_BITS); }
static void bit_clear(word *b, int i) { b[i / WORD_BITS] &= ~((word)1 << (i % WORD_BITS)); }

/* The first set bit of b at or after `from` and before `end`; `end` if none. */
static int bit_next(const word *b, int from, int end) {
  if (from >= end) return end;
  int w = from / WORD_BITS;
  word x = b[w] & (~(word)0 << (from % WORD_BITS));
  for (;;) {
    if (x) {
      int i = w * WORD_BITS + __builtin_ctzll(x);
      return i < end ? i : end;
    }
    if (++w * WORD_BITS >= end) return end;
    x = b[w];
  }
}

const char *cubie_sparse_order_name(cubie_sparse_order order) {
  return order == CUBIE_SPARSE_ORDER_MINIMUM_DEGREE ? "minimum degree" : "natural";
}

/* Minimum degree on the graph of M + Mᵀ: eliminating a vertex joins its
 * neighbours into a clique; the next vertex is one of least degree in what
 * is left (the lowest index on a tie). */
static int minimum_degree(int n, const int *row_start, const int *cols, int *perm) {
  const int nw = words_for(n);
  word *adj = calloc((size_t)n * (size_t)nw, sizeof *adj);
  int *degree = malloc((size_t)n * sizeof *degree);
  unsigned char *done = calloc((size_t)n, 1);
  int *nbr = malloc((size_t)n * sizeof *nbr);
  int rc = adj && degree && done && nbr ? CUBIE_OK
                                        : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory ordering the sparse LU");
  for (int i = 0; !rc && i < n; i++)
    for (int e = row_start[i]; e < row_start[i + 1]; e++)
      if (cols[e] != i) {
        bit_set(adj + (size_t)i * nw, cols[e]);
        bit_set(adj + (size_t)cols[e] * nw, i);
      }
  for (int i = 0; !rc && i < n; i++) {
    degree[i] = 0;
    for (int w = 0; w < nw; w++) degree[i] += __builtin_popcountll(adj[(size_t)i * nw + w]);
  }
  for (int s = 0; !rc && s < n; s++) {
    int v = -1;
    for (int i = 0; i < n; i++)
      if (!done[i] && (v < 0 || degree[i] < degree[v])) v = i;
    perm[s] = v;
    done[v] = 1;
    word *av = adj + (size_t)v * nw;
    int k = 0;
    for (int u = bit_next(av, 0, n); u < n; u = bit_next(av, u + 1, n)) nbr[k++] = u;
    for (int a = 0; a < k; a++) {
      word *au = adj + (size_t)nbr[a] * nw;
      for (int w = 0; w < nw; w++) au[w] |= av[w];
      bit_clear(au, nbr[a]);
      bit_clear(au, v);
      degree[nbr[a]] = 0;
      for (int w = 0; w < nw; w++) degree[nbr[a]] += __builtin_popcountll(au[w]);
    }
  }
  free(adj);
  free(degree);
  free(done);
  free(nbr);
  return rc;
}

/* Growable int arrays of the tables. */
typedef struct ints {
  int *v;
  size_t n, cap;
} ints;

static int push(ints *a, int x) {
  if (a->n == a->cap) CUBIE_CALL(CUBIE_GROW(a->v, a->n + 1, a->cap, "the sparse LU tables"));
  a->v[a->n++] = x;
  return CUBIE_OK;
}

/* Why a candidate order was given up (CUBIE_ERR_UNAVAILABLE), kept for the message. */
typedef struct verdict {
  int gave_up;
  char why[160];
} verdict;

/* The symbolic factorisation of M in order perm (M's rows as CSR, J's
 * rows for j_pos). Fills lu's tables; *v says when it gave up. */
static int symbolic(int n, const int *row_start, const int *cols, const int *jrow_start,
                    const cubie_model_jacobian_entry *pattern, const int *perm, long long max_nnz,
                    cubie_sparse_lu *lu, verdict *v) {
  const int nw = words_for(n);
  int *q = malloc((size_t)n * sizeof *q);
  int *where = malloc((size_t)n * sizeof *where);
  word *row = calloc((size_t)nw, sizeof *row);
  ints l_pos = {0}, l_step = {0}, l_col = {0}, u_step = {0}, u_pos = {0}, update = {0};
  int *u_start = malloc((size_t)(n + 1) * sizeof *u_start);
  int *l_start = malloc((size_t)(n + 1) * sizeof *l_start);
  int *diag = malloc((size_t)n * sizeof *diag);
  int *j_pos = malloc((size_t)(lu->jac_nnz > 0 ? lu->jac_nnz : 1) * sizeof *j_pos);
  int rc = q && where && row && u_start && l_start && diag && j_pos
               ? CUBIE_OK
               : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory in the sparse LU's analysis");
  long long nnz = 0, ops = 0;
  v->gave_up = 0;
  for (int s = 0; !rc && s < n; s++) q[perm[s]] = s;
  if (!rc) u_start[0] = l_start[0] = 0;
  for (int s = 0; !rc && s < n && !v->gave_up; s++) {
    const int i = perm[s];
    for (int e = row_start[i]; e < row_start[i + 1]; e++) bit_set(row, q[cols[e]]);
    /* Row s takes the pattern of every earlier row it meets, including
     * rows met only through fill (the scan sees bits set behind it). */
    for (int k = bit_next(row, 0, s); k < s; k = bit_next(row, k + 1, s))
      for (int f = u_start[k]; f < u_start[k + 1]; f++) bit_set(row, u_step.v[f]);
    /* Positions: the row's entries in ascending step order. */
    long long pos = nnz;
    for (int j = bit_next(row, 0, n); j < n; j = bit_next(row, j + 1, n)) where[j] = (int)pos++;
    if (max_nnz > 0 && pos > max_nnz) {
      v->gave_up = 1;
      snprintf(v->why, sizeof v->why, "its factors would have more than %lld entries", max_nnz);
      break;
    }
    for (int k = bit_next(row, 0, s); !rc && k < s; k = bit_next(row, k + 1, s)) {
      rc = push(&l_pos, where[k]);
      if (!rc) rc = push(&l_step, k);
      if (!rc) rc = push(&l_col, perm[k]);
      for (int f = u_start[k]; !rc && f < u_start[k + 1]; f++) rc = push(&update, where[u_step.v[f]]);
      ops += u_start[k + 1] - u_start[k];
    }
    if (!rc && ops > CUBIE_SPARSE_LU_MAX_OPERATIONS) {
      v->gave_up = 1;
      snprintf(v->why, sizeof v->why, "one factorisation would take more than %d multiply-adds",
               CUBIE_SPARSE_LU_MAX_OPERATIONS);
      break;
    }
    for (int j = bit_next(row, s + 1, n); !rc && j < n; j = bit_next(row, j + 1, n)) {
      rc = push(&u_step, j);
      if (!rc) rc = push(&u_pos, where[j]);
    }
    diag[s] = where[s];
    for (int e = jrow_start[i]; e < jrow_start[i + 1]; e++) j_pos[e] = where[q[pattern[e].column]];
    l_start[s + 1] = (int)l_pos.n;
    u_start[s + 1] = (int)u_step.n;
    nnz = pos;
    memset(row, 0, (size_t)nw * sizeof *row);
  }
  if (!rc && !v->gave_up) {
    lu->nnz = (int)nnz;
    lu->l_nnz = (int)l_pos.n;
    lu->u_nnz = (int)u_step.n;
    lu->fill = lu->nnz - row_start[n];
    lu->operations = ops;
    lu->perm = malloc((size_t)n * sizeof *lu->perm);
    lu->u_col = malloc((u_step.n ? u_step.n : 1) * sizeof *lu->u_col);
    if (!lu->perm || !lu->u_col) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
    for (int s = 0; !rc && s < n; s++) lu->perm[s] = perm[s];
    for (size_t f = 0; !rc && f < u_step.n; f++) lu->u_col[f] = perm[u_step.v[f]];
  }
  if (!rc && !v->gave_up) {
    lu->diag = diag, diag = NULL;
    lu->j_pos = j_pos, j_pos = NULL;
    lu->l_start = l_start, l_start = NULL;
    lu->u_start = u_start, u_start = NULL;
    lu->l_pos = l_pos.v, l_pos.v = NULL;
    lu->l_step = l_step.v, l_step.v = NULL;
    lu->l_col = l_col.v, l_col.v = NULL;
    lu->u_pos = u_pos.v, u_pos.v = NULL;
    lu->update = update.v, update.v = NULL;
  }
  free(q);
  free(where);
  free(row);
  free(l_pos.v);
  free(l_step.v);
  free(l_col.v);
  free(u_step.v);
  free(u_pos.v);
  free(update.v);
  free(u_start);
  free(l_start);
  free(diag);
  free(j_pos);
  return rc;
}

static void free_tables(cubie_sparse_lu *lu) {
  free(lu->perm);
  free(lu->diag);
  free(lu->j_pos);
  free(lu->j_start);
  free(lu->l_start);
  free(lu->l_pos);
  free(lu->l_step);
  free(lu->l_col);
  free(lu->u_start);
  free(lu->u_pos);
  free(lu->u_col);
  free(lu->update);
}

void cubie_sparse_lu_destroy(cubie_sparse_lu **lu) {
  if (!lu || !*lu) return;
  free_tables(*lu);
  free(*lu);
  *lu = NULL;
}

/* M's rows (J's pattern and the diagonal, columns ascending) and J's row starts. */
static int matrix_rows(int n, const cubie_model_jacobian_entry *pattern, int nnz, int **row_start,
                       int **cols, int **jrow_start) {
  *row_start = malloc((size_t)(n + 1) * sizeof **row_start);
  *jrow_start = malloc((size_t)(n + 1) * sizeof **jrow_start);
  *cols = malloc((size_t)(nnz + n) * sizeof **cols);
  CUBIE_CHECK(*row_start && *jrow_start && *cols, CUBIE_ERR_MEMORY,
              "out of memory in the sparse LU's analysis");
  int k = 0, m = 0;
  for (int i = 0; i < n; i++) {
    (*row_start)[i] = m;
    (*jrow_start)[i] = k;
    int diagonal = 0;
    for (; k < nnz && pattern[k].row == i; k++) {
      CUBIE_CHECK(pattern[k].column >= 0 && pattern[k].column < n &&
                      (k == 0 || pattern[k - 1].row < i || pattern[k - 1].column < pattern[k].column),
                  CUBIE_ERR_INTERNAL, "the Jacobian's pattern is not sorted row-major");
      if (!diagonal && pattern[k].column > i) (*cols)[m++] = i, diagonal = 1;
      diagonal |= pattern[k].column == i;
      (*cols)[m++] = pattern[k].column;
    }
    if (!diagonal) (*cols)[m++] = i;
  }
  CUBIE_CHECK(k == nnz, CUBIE_ERR_INTERNAL, "the Jacobian's pattern has rows outside 0..%d", n - 1);
  (*row_start)[n] = m;
  (*jrow_start)[n] = k;
  return CUBIE_OK;
}

int cubie_sparse_lu_create(int n, const cubie_model_jacobian_entry *pattern, int nnz,
                           long long max_nnz, cubie_sparse_lu **out) {
  *out = NULL;
  CUBIE_CHECK(n > 0 && n <= CUBIE_SPARSE_LU_MAX_STATES, CUBIE_ERR_UNAVAILABLE,
              "the sparse LU's analysis handles up to %d states, not %d", CUBIE_SPARSE_LU_MAX_STATES, n);
  int *row_start = NULL, *cols = NULL, *jrow_start = NULL, *perm = NULL;
  cubie_sparse_lu cand[2];
  memset(cand, 0, sizeof cand);
  verdict verdicts[2];
  int rc = matrix_rows(n, pattern, nnz, &row_start, &cols, &jrow_start);
  if (!rc) {
    perm = malloc((size_t)n * sizeof *perm);
    if (!perm) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
  }
  for (int c = 0; !rc && c < 2; c++) {
    cand[c].n = n;
    cand[c].jac_nnz = nnz;
    cand[c].order = c ? CUBIE_SPARSE_ORDER_MINIMUM_DEGREE : CUBIE_SPARSE_ORDER_NATURAL;
    if (c == 0)
      for (int s = 0; s < n; s++) perm[s] = s;
    else
      rc = minimum_degree(n, row_start, cols, perm);
    if (!rc) rc = symbolic(n, row_start, cols, jrow_start, pattern, perm, max_nnz, &cand[c], &verdicts[c]);
  }
  free(row_start);
  free(cols);
  free(perm);
  int pick = -1;
  if (!rc) {
    /* Fewer multiply-adds wins; the natural order on a tie. */
    if (!verdicts[0].gave_up) pick = 0;
    if (!verdicts[1].gave_up && (pick < 0 || cand[1].operations < cand[0].operations)) pick = 1;
    if (pick < 0)
      rc = CUBIE_RAISE(CUBIE_ERR_UNAVAILABLE, "in either elimination order %s", verdicts[1].why);
  }
  if (!rc) {
    *out = malloc(sizeof **out);
    if (!*out) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
  }
  if (!rc) {
    **out = cand[pick];
    (*out)->natural_operations = verdicts[0].gave_up ? -1 : cand[0].operations;
    (*out)->minimum_degree_operations = verdicts[1].gave_up ? -1 : cand[1].operations;
    memset(&cand[pick], 0, sizeof cand[pick]);
  }
  if (!rc) {
    (*out)->j_start = jrow_start, jrow_start = NULL;
  }
  free(jrow_start);
  free_tables(&cand[0]);
  free_tables(&cand[1]);
  return rc;
}
