/* SHA-256 against the FIPS 180-4 / NIST example vectors. */
#include <string.h>

#include "check.h"
#include "util/sha256.h"

static void digest(const char *text, size_t repeat, char hex[65]) {
  cubie_sha256 h;
  cubie_sha256_init(&h);
  for (size_t i = 0; i < repeat; i++) cubie_sha256_update(&h, text, strlen(text));
  cubie_sha256_hex(&h, hex);
}

int main(void) {
  char hex[65];
  digest("", 1, hex);
  CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  digest("abc", 1, hex);
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1, hex);
  CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* One million 'a' fed in uneven pieces crosses every block boundary case. */
  digest("a", 1000000, hex);
  CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK_DONE();
}
