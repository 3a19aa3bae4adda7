/* test_memory_size — the run.memory_limit size table: decimal units are
 * powers of 1000, binary ones of 1024, B and spaces optional; and the
 * strings that must be refused. */
#include "check.h"
#include "deck/memory_size.h"

typedef struct size_case {
  const char *text;
  long long bytes; /* -1: must be rejected */
} size_case;

static const size_case cases[] = {
    {"1", 1},
    {"4096", 4096},
    {"100B", 100},
    {"100kB", 100000},
    {"100KB", 100000},
    {"100k", 100000},
    {"1KiB", 1024},
    {"1Ki", 1024},
    {"512MiB", 512LL << 20},
    {"64 MiB", 64LL << 20},
    {"2GiB", 2LL << 30},
    {"2GB", 2000000000LL},
    {"1.5GB", 1500000000LL},
    {"1.5GiB", 3LL << 29},
    {"4.35kB", 4350},        /* exact: not 4349 from 4.35 * 1000 in doubles */
    {"1TiB", 1LL << 40},
    {"3T", 3000000000000LL},
    {"0.5KiB", 512},
    {"  7MB  ", 7000000},
    {"1.0009B", 1},          /* whole bytes, rounded down */
    {"0", -1},
    {"0.5", -1},             /* less than one byte */
    {"", -1},
    {"MiB", -1},
    {"-5MiB", -1},
    {"+5MiB", -1},
    {"1e9", -1},             /* exponents belong to plain YAML numbers, not size strings */
    {"5 XB", -1},
    {"5mb", -1},             /* m is milli, not mega */
    {"5MiBs", -1},
    {"5 Mi B x", -1},
    {"0x10", -1},
    {"inf", -1},
    {"9999999999TiB", -1},   /* beyond 2^63 */
    {"1234567890123456789", -1}, /* too many digits */
};

int main(void) {
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    long long bytes = -7;
    const char *why = NULL;
    int rc = cubie_memory_size_parse(cases[i].text, &bytes, &why);
    if (cases[i].bytes < 0) {
      if (rc == 0) fprintf(stderr, "'%s' accepted as %lld\n", cases[i].text, bytes);
      CHECK(rc != 0);
      CHECK(why != NULL && why[0] != '\0');
    } else {
      if (rc != 0) fprintf(stderr, "'%s' rejected: %s\n", cases[i].text, why);
      CHECK_INT(rc, 0);
      CHECK_INT(bytes, cases[i].bytes);
    }
  }
  CHECK_DONE();
}
