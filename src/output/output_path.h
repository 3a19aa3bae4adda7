/* output_path.h — where the output file lives on disk, and who may write it.
 *
 * Three guarantees no NetCDF call gives:
 *   - an existing file is only ever replaced by a new file that was created
 *     and defined completely: the new file is written under a temporary
 *     name in the same directory and renamed over the old one only then
 *     (rename is atomic), so a failure at creation (a full disk, a name
 *     NetCDF refuses) leaves the old file as it was;
 *   - only regular files are replaced (never /dev/full, a FIFO or a
 *     directory);
 *   - two cubie processes never write one file: rank 0 holds an advisory
 *     lock (fcntl) on a sidecar "<file>.lock" for the whole job, and a
 *     second job (run, --force or --resume) is refused with the first one's
 *     host and pid.
 * All of it is rank 0's business; it makes no MPI call and never reads or
 * writes the file's contents.
 */
#ifndef CUBIE_OUTPUT_PATH_H
#define CUBIE_OUTPUT_PATH_H

#include <stdbool.h>

/* The checks before a file is created at `path`: an existing one must be a
 * regular file and `overwrite` must be set; the directory must exist and be
 * writable. CUBIE_ERR_INPUT with the reason otherwise. */
int cubie_output_path_check(const char *path, bool overwrite);

/* Create an empty file, exclusively, beside `path` under a name of its own
 * (".<name>.<random>.cubie-tmp"), mode 0666 less the umask; *temp receives
 * the name (malloc'd). */
int cubie_output_temp_create(const char *path, char **temp);

/* Move the finished `temp` to `path`: replacing an existing file only when
 * `overwrite` (a file that appeared meanwhile is refused otherwise). */
int cubie_output_temp_commit(const char *temp, const char *path, bool overwrite);

/* Refuse (CUBIE_ERR_IO) a new file of `bytes` (uncompressed) that the file
 * system of `path`'s directory has no room for, before anything is
 * computed: a job must not run for hours to fail at a full disk it could
 * have seen. Unknown free space (statvfs failing) passes. */
int cubie_output_space_check(const char *path, unsigned long long bytes);

/* The sidecar lock of the output file `path`. */
typedef struct cubie_output_lock cubie_output_lock;
/* Take the lock, or fail (CUBIE_ERR_INPUT) naming the job that holds it.
 * File systems without fcntl locks (some NFS mounts) give a lock that
 * holds nothing: the job runs, as it would without this check. */
int cubie_output_lock_acquire(const char *path, cubie_output_lock **lock);
/* Remove the sidecar and release the lock; NULL is fine. */
void cubie_output_lock_release(cubie_output_lock **lock);

#endif
