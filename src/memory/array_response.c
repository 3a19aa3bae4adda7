/* array_response.c — looking arrays up in a response (see array_response.h). */
#include "memory/array_response.h"

#include <string.h>

const cubie_array_allocation *cubie_array_response_find(const cubie_array_response *resp,
                                                        const char *label) {
  for (int i = 0; i < resp->n_arrays; i++)
    if (strcmp(resp->arrays[i].label, label) == 0) return &resp->arrays[i];
  return NULL;
}
