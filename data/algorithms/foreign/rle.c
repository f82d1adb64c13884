/* Run-length encoding and decoding: SIZE bytes (default 100000) of runs of random lengths (fixed-
 * seed xorshift) are encoded as (count, byte) pairs, decoded again and compared; prints the
 * encoded size. Foreign to the 12 classes: a single streaming pass that groups equal
 * neighbours; nothing is sorted, searched, matched against a pattern or traversed. */
#include <string.h>
#include "foreign.h"

__attribute__((noinline)) long rle_round_trip(const unsigned char *in, long n, unsigned char *code,
                                              unsigned char *out) {
  long used = 0;
  for (long i = 0; i < n;) {
    long run = 1;
    while (i + run < n && run < 255 && in[i + run] == in[i]) run++;
    code[used++] = (unsigned char)run;
    code[used++] = in[i];
    i += run;
  }
  long at = 0;
  for (long k = 0; k < used; k += 2)
    for (int r = 0; r < code[k]; r++) out[at++] = code[k + 1];
  return at == n && memcmp(in, out, (size_t)n) == 0 ? used : -1;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 100000, 100000000);
  unsigned char *in = malloc((size_t)n), *code = malloc(2 * (size_t)n), *out = malloc((size_t)n);
  uint64_t state = 0x2545f4914f6cdd1dULL;
  for (long i = 0; i < n;) {
    uint64_t r = next_random(&state);
    long run = 1 + (long)(r % 12);
    for (long k = 0; k < run && i < n; k++) in[i++] = (unsigned char)('a' + (r >> 8) % 4);
  }
  long encoded = rle_round_trip(in, n, code, out);
  if (encoded < 0) {
    fprintf(stderr, "%s: the decoded data differs\n", argv[0]);
    return 1;
  }
  printf("%ld bytes encoded in %ld\n", n, encoded);
  return 0;
}
