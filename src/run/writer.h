/* writer.h — the second half of the pipeline: the writer thread and the
 * queue of computed items it takes from.
 *
 * The computing thread hands over each item once its results are on the
 * host (at most two wait: one per output buffer set). The writer writes
 * the item's hyperslabs — and, after a piece's last window, its per-run
 * records — feeds the progress counter, and then tells the work source the
 * item is done (the stop agreement; dynamic claims). While the loop runs it
 * is the only thread that calls MPI (MPI_THREAD_SERIALIZED). After a
 * failure it keeps making every collective call with nothing in it, so no
 * rank is left waiting. Not pipelined, the computing thread does the same
 * work in turn, inside submit().
 *
 * Before the collective writes of an item it waits in a non-blocking
 * barrier for the other ranks to arrive, so the time spent waiting for
 * them (timing.write_wait) is told apart from the time in NetCDF and the
 * file system (timing.write). While it is idle, or in that barrier, it
 * reads the kernel's progress counter (the runs of the chunk in flight)
 * and hands the estimate to the progress report about ten times a second,
 * so lines move during a long chunk. Not pipelined, a ticker thread does
 * that while the computing thread is in a launch, under `mpi_lock`.
 */
#ifndef CUBIE_WRITER_H
#define CUBIE_WRITER_H

#include <pthread.h>
#include <stdbool.h>

#include "memory/transfer.h"
#include "run/chunk_loop.h"
#include "mpi/work_source.h"

/* One piece × one time window, as handed to the writer. */
typedef struct cubie_work_item {
  long long index;     /* position in this rank's item sequence */
  long long start;     /* first real run */
  cubie_item_extent e; /* runs, window and buffer set (e.n == 0: an empty collective write) */
  bool records;        /* the piece's last window: also write its records */
  bool stop;           /* not an item: the writer ends */
} cubie_work_item;

typedef struct cubie_writer {
  cubie_chunk_loop *loop;
  cubie_work_source *work;
  const cubie_transfer *transfer; /* where the host-side results are */
  pthread_t thread;
  bool started;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  cubie_work_item queue[2];
  int head, count;
  bool buffer_busy[CUBIE_MAX_BUFFER_SETS];
  int rc;                 /* the first failure */
  long long runs_written; /* runs whose records this rank wrote */

  /* Progress during a chunk (may be NULL: progress moves per item only). */
  const cubie_u64 *runs_counter; /* the kernel's counter of finished run-windows */
  cubie_u64 counter_base;        /* its value when the loop started */
  long long windows;             /* windows per piece: run-windows per run */
  double last_tick;
  /* Not pipelined: the ticker thread and the computing thread take turns
   * in MPI under this lock. */
  pthread_mutex_t mpi_lock;
  pthread_t ticker;
  bool ticking, ticker_stop;
  bool collective;        /* the writes are collective: time the wait for the others */
  bool item_checked;      /* the sized items were compared with the signal lead time */
} cubie_writer;

/* Start the writer thread when loop->pipelined (else only get ready, and
 * start a ticker thread when there is a progress counter and MPI allows
 * it). `runs_counter` (may be NULL) is the backend's progress counter. */
int cubie_writer_start(cubie_writer *w, cubie_chunk_loop *loop, cubie_work_source *work,
                       const cubie_transfer *transfer, const cubie_u64 *runs_counter);
/* Wait until buffer set `buffer` is written and may be filled again. */
void cubie_writer_wait_free(cubie_writer *w, int buffer);
/* Hand an item over (blocks while two are queued); not pipelined, write
 * it now. */
void cubie_writer_submit(cubie_writer *w, const cubie_work_item *it);
/* Write what is queued, end the thread and return the first failure. */
int cubie_writer_finish(cubie_writer *w);
void cubie_writer_free(cubie_writer *w);

#endif
