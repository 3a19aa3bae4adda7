/* file_util.h — small, checked file-system operations (read a whole file,
 * write one atomically, make directories, remove a scratch tree). Errors are
 * raised with the path and strerror; nothing here interprets contents.
 */
#ifndef CUBIE_FILE_UTIL_H
#define CUBIE_FILE_UTIL_H

#include <stddef.h>

/* Read a whole file; *data is NUL-terminated (not counted in *size). */
int cubie_file_read(const char *path, unsigned char **data, size_t *size);
int cubie_file_write(const char *path, const void *data, size_t size);
/* Write to a temporary file beside `path`, then rename over it. */
int cubie_file_write_atomic(const char *path, const void *data, size_t size);
/* mkdir -p */
int cubie_mkdir_p(const char *path);
/* Remove a directory and the plain files in it (one level; scratch dirs). */
void cubie_remove_tree(const char *path);

#endif
