/* cubie.h — the public C interface of libcubie (docs/api.md).
 *
 * A program describes a job as a *problem* — from a deck file, from deck
 * text in memory, or built key by key in code with the same key paths as
 * `cubie run --set` — runs it, and gets the results in memory (one array per
 * variable of the output file) and/or in the NetCDF file the deck names.
 *
 * Every function returns a cubie_err: CUBIE_OK (0) on success, else a code
 * whose message (the same text `cubie` prints after "cubie: error: ", with
 * FILE:LINE:COLUMN for deck problems) cubie_last_error() returns. Messages
 * are per thread. Objects are created with cubie_<object>_create or _from_*
 * and freed with cubie_<object>_destroy(&obj), which sets obj to NULL.
 *
 * MPI: cubie_problem_run runs on MPI_COMM_WORLD and initialises MPI itself
 * when the program has not (finalised by cubie_finalize or at exit); a
 * program that uses MPI itself runs on its own communicator with
 * cubie_problem_run_on (cubie_mpi.h). This header does not include mpi.h.
 *
 * This header holds only the public interface; everything else in libcubie
 * is private and may change without notice.
 */
#ifndef CUBIE_PUBLIC_H
#define CUBIE_PUBLIC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CUBIE_API __attribute__((visibility("default")))
#else
#define CUBIE_API
#endif

#define CUBIE_VERSION_MAJOR 0
#define CUBIE_VERSION_MINOR 1
#define CUBIE_VERSION_PATCH 0

/* Error codes. The `cubie` command exits with 2 for CUBIE_ERR_INPUT, 3 for
 * CUBIE_ERR_INTERRUPTED and 1 for the others. */
typedef enum cubie_err {
  CUBIE_OK = 0,
  CUBIE_ERR_INPUT,       /* bad deck, bad key or value, unreadable input: nothing was run */
  CUBIE_ERR_IO,          /* file-system failure while running (disk full, ...) */
  CUBIE_ERR_COMPILE,     /* the JIT compiler (host cc or NVRTC) rejected the source */
  CUBIE_ERR_BACKEND,     /* device / driver / dlopen failure at run time */
  CUBIE_ERR_UNAVAILABLE, /* a requested capability is not present here (no GPU) */
  CUBIE_ERR_MPI,         /* an MPI call failed */
  CUBIE_ERR_NETCDF,      /* a NetCDF call failed */
  CUBIE_ERR_MEMORY,      /* an allocation failed or a memory budget cannot be met */
  CUBIE_ERR_INTERRUPTED, /* stopped by a signal at a chunk boundary; the file is resumable */
  CUBIE_ERR_INTERNAL     /* a broken invariant: a bug in cubie (or a NULL argument) */
} cubie_err;

/* The message of the last failure on this thread ("" when none). */
CUBIE_API int cubie_last_error(const char **message);
/* A short name of a code: "bad input", "NetCDF error", ... */
CUBIE_API int cubie_error_string(int code, const char **name);
/* "0.1.0" */
CUBIE_API int cubie_get_version(const char **version);

/* ------------------------------------------------------------------------ */
/* Problems                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct cubie_problem cubie_problem;

/* An empty problem, to be built with cubie_problem_set (every deck key by
 * its path: "model.states.x", "integrator.duration", ...). */
CUBIE_API int cubie_problem_create(cubie_problem **problem);
/* The deck file at `path` (read now; CUBIE_ERR_INPUT when unreadable). */
CUBIE_API int cubie_problem_from_file(const char *path, cubie_problem **problem);
/* Deck text in memory; `name` stands for the file in messages and in the
 * output's provenance (NULL: "deck"). */
CUBIE_API int cubie_problem_from_string(const char *text, const char *name,
                                        cubie_problem **problem);
/* Set deck key `key` (a dotted path, as `--set KEY=VALUE`) to `value`,
 * parsed as YAML: "1e-8", "[x, y]", "{linspace: [0, 1, 11]}", "|\n dx = -x".
 * Later settings win. Recorded in the output file like --set arguments. */
CUBIE_API int cubie_problem_set(cubie_problem *problem, const char *key, const char *value);
/* Write the output file to `path` instead of the deck's output.file (like
 * `cubie run -o`; not recorded as a setting). */
CUBIE_API int cubie_problem_set_output_file(cubie_problem *problem, const char *path);
/* Validate now: CUBIE_ERR_INPUT with "FILE:LINE:COLUMN: ..." (or
 * "--set 'KEY=VALUE': ..." for a setting) when the deck is wrong. Running
 * validates too; this only reports earlier. */
CUBIE_API int cubie_problem_check(cubie_problem *problem);
/* Valid settings that will likely not do what was meant (float32 with an
 * rtol it cannot resolve): one line each, "" when none. Validates first.
 * The text belongs to the problem and lives until the next change. */
CUBIE_API int cubie_problem_warnings(cubie_problem *problem, const char **text);
/* The number of runs of the sweep. Validates first. */
CUBIE_API int cubie_problem_total_runs(cubie_problem *problem, long long *total_runs);
CUBIE_API int cubie_problem_destroy(cubie_problem **problem);

/* ------------------------------------------------------------------------ */
/* Running                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct cubie_results cubie_results;

/* Flags of cubie_problem_run (bitwise or). */
enum {
  CUBIE_RUN_DEFAULT = 0,
  CUBIE_RUN_OVERWRITE = 1 << 0, /* replace an existing output file (cubie run --force) */
  CUBIE_RUN_RESUME = 1 << 1,    /* continue an existing file (cubie run --resume) */
  CUBIE_RUN_PROGRESS = 1 << 2,  /* progress lines on stderr (the library is quiet otherwise) */
  CUBIE_RUN_NO_FILE = 1 << 3    /* results in memory only: the file is a temporary one,
                                   removed once read (needs a non-NULL results) */
};

/* Run every run of the problem on MPI_COMM_WORLD (collective: every rank
 * calls it), initialising MPI first when the program has not. The file is
 * written as the deck (or cubie_problem_set_output_file) says, unless
 * CUBIE_RUN_NO_FILE. With `results` not NULL, every variable of the file is
 * read into memory on rank 0 (other ranks get results holding no arrays);
 * NULL: the file only. Individual runs that fail (their status says why)
 * do not make this fail; cubie_results_summary counts them. */
CUBIE_API int cubie_problem_run(cubie_problem *problem, unsigned flags, cubie_results **results);

/* ------------------------------------------------------------------------ */
/* Results                                                                  */
/* ------------------------------------------------------------------------ */

typedef enum cubie_type {
  CUBIE_TYPE_FLOAT64 = 0,
  CUBIE_TYPE_FLOAT32,
  CUBIE_TYPE_INT32,
  CUBIE_TYPE_UINT32,
  CUBIE_TYPE_INT64,
  CUBIE_TYPE_UINT64,
  CUBIE_TYPE_CHAR     /* text: the last dimension holds the characters */
} cubie_type;

#define CUBIE_ARRAY_MAX_DIMS 4

/* One variable of the output file, in C order (last dimension fastest).
 * docs/output.md says what each variable holds. Pointers stay valid until
 * the results are destroyed. */
typedef struct cubie_array {
  const char *name;                   /* "x", "x_mean", "status", "rho", ... */
  cubie_type type;
  int ndim;                           /* 0 for a scalar */
  const char *dims[CUBIE_ARRAY_MAX_DIMS];   /* "run", "time", ... */
  size_t shape[CUBIE_ARRAY_MAX_DIMS];
  size_t size;                        /* number of elements (1 for a scalar) */
  const void *data;                   /* size elements of `type` */
  const char *units;                  /* NULL when the variable has none */
  const char *long_name;              /* NULL when the variable has none */
} cubie_array;

/* How many arrays the results hold (0 without in-memory results, and on
 * ranks other than 0). */
CUBIE_API int cubie_results_count(const cubie_results *results, int *count);
/* Array `index` (0 <= index < count). */
CUBIE_API int cubie_results_array(const cubie_results *results, int index, cubie_array *array);
/* The array named `name`: CUBIE_ERR_INPUT naming it when there is none. */
CUBIE_API int cubie_results_find(const cubie_results *results, const char *name,
                                 cubie_array *array);
/* Runs in the sweep, and runs whose status has a failure bit (every rank). */
CUBIE_API int cubie_results_summary(const cubie_results *results, long long *total_runs,
                                    long long *failed_runs);
/* The output file written (NULL with CUBIE_RUN_NO_FILE). */
CUBIE_API int cubie_results_file(const cubie_results *results, const char **path);
CUBIE_API int cubie_results_destroy(cubie_results **results);

/* Finalise MPI if cubie initialised it (a no-op otherwise, and when called
 * again). Optional: cubie registers the same with atexit. After it, cubie
 * cannot run again in this process. */
CUBIE_API int cubie_finalize(void);

#ifdef __cplusplus
}
#endif

#endif
