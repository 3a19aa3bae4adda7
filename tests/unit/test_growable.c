/* test_growable.c — the one grow-by-doubling helper: room for what is
 * needed, contents kept across moves, capacity doubling from 16, nothing
 * done when there is room, and a failed growth that leaves the caller's
 * array and capacity as they were. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "util/growable.h"

typedef struct pair {
  long long a;
  double b;
} pair;

int main(void) {
  pair *items = NULL;
  size_t cap = 0;
  /* Appending one at a time: every element survives every move. */
  for (int i = 0; i < 1000; i++) {
    CHECK_OK(CUBIE_GROW(items, i + 1, cap, "pairs"));
    CHECK(cap >= (size_t)i + 1);
    items[i].a = i;
    items[i].b = 0.5 * i;
  }
  for (int i = 0; i < 1000; i++) CHECK(items[i].a == i && items[i].b == 0.5 * i);
  /* Doubling from 16: 16, 32, ... 1024. */
  CHECK_INT(cap, 1024);

  /* Room already: neither the pointer nor the capacity changes. */
  pair *before = items;
  CHECK_OK(CUBIE_GROW(items, 1024, cap, "pairs"));
  CHECK(items == before);
  CHECK_INT(cap, 1024);

  /* A jump: straight to the next power-of-two multiple that fits. */
  CHECK_OK(CUBIE_GROW(items, 5000, cap, "pairs"));
  CHECK_INT(cap, 8192);
  CHECK(items[999].a == 999);

  /* An impossible size fails with CUBIE_ERR_MEMORY and leaves everything as it was. */
  before = items;
  CHECK_FAILS(CUBIE_GROW(items, SIZE_MAX / 2, cap, "pairs"), CUBIE_ERR_MEMORY);
  CHECK_CONTAINS(cubie_error_message(), "pairs");
  CHECK(items == before);
  CHECK_INT(cap, 8192);
  CHECK(items[999].a == 999);
  free(items);

  /* Bytes (a text buffer grows this way): a first request below 16 gets 16. */
  char *text = NULL;
  size_t text_cap = 0;
  CHECK_OK(CUBIE_GROW(text, 1, text_cap, "text"));
  CHECK_INT(text_cap, 16);
  free(text);
  CHECK_DONE();
}
