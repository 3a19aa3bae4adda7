/* growable.h — the one way cubie grows an array: by doubling.
 *
 * A growable array is three things the caller keeps: a pointer (NULL when
 * empty), a count of elements in use, and a capacity in elements (size_t, 0
 * when empty). CUBIE_GROW makes room for `needed` elements: nothing when
 * there is room already, else the capacity doubles (from 16) until it fits,
 * so appending one element at a time stays linear overall. On failure the
 * array and its capacity are unchanged (still the caller's to free) and the
 * error is CUBIE_ERR_MEMORY naming `what`. It never frees, never shrinks and
 * never touches the count.
 */
#ifndef CUBIE_GROWABLE_H
#define CUBIE_GROWABLE_H

#include <stddef.h>

/* `array` points at the caller's pointer (of any object type); use the
 * macro, which passes the element size and checks the capacity's type. */
int cubie_grow(void *array, size_t element_size, size_t needed, size_t *capacity,
               const char *what);

#define CUBIE_GROW(array, needed, capacity, what) \
  cubie_grow(&(array), sizeof *(array), (size_t)(needed), &(capacity), (what))

#endif
