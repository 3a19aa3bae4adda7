/* growable.c — growing arrays by doubling (see growable.h). */
#include "util/growable.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

int cubie_grow(void *array, size_t element_size, size_t needed, size_t *capacity,
               const char *what) {
  if (needed <= *capacity) return CUBIE_OK;
  size_t cap = *capacity ? *capacity : 16;
  while (cap < needed) {
    CUBIE_CHECK(cap <= SIZE_MAX / 2 / element_size, CUBIE_ERR_MEMORY,
                "%s would need more than %zu elements", what, cap);
    cap *= 2;
  }
  /* The caller's pointer is read and written as bytes: it may point at any
   * object type, and no pointer of another type ever aliases it. */
  void *old;
  memcpy(&old, array, sizeof old);
  void *grown = realloc(old, cap * element_size);
  CUBIE_CHECK(grown, CUBIE_ERR_MEMORY, "out of memory for %s (%zu elements)", what, cap);
  memcpy(array, &grown, sizeof grown);
  *capacity = cap;
  return CUBIE_OK;
}
