/* clock.h — seconds on a monotonic clock, for timing phases of a job.
 *
 * Safe from any thread and makes no MPI call (MPI_Wtime from the compute
 * thread would break MPI_THREAD_SERIALIZED while the writer thread is inside
 * MPI-IO), so every layer may time itself with it.
 */
#ifndef CUBIE_CLOCK_H
#define CUBIE_CLOCK_H

/* Seconds on CLOCK_MONOTONIC (an arbitrary origin: only differences mean
 * anything). */
double cubie_timing_now(void);

#endif
