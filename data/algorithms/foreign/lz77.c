/* LZ77 compression: SIZE bytes of text (default 3500) made of random words from a 16-word list
 * (fixed-seed xorshift) are coded as (distance, length, next byte) triples, each match the
 * longest one found by trying every start in a 255-byte sliding window, then decoded and
 * compared; prints the number of triples. Foreign to the 12 classes: a greedy parse that
 * compares the input with its own recent past at every window offset, then a copy loop; no
 * pattern is preprocessed or sought, nothing is sorted or traversed. */
#include <string.h>
#include "foreign.h"

#define WINDOW 255
#define LONGEST 255

typedef struct {
  unsigned char distance, length, next;
} triple_t;

__attribute__((noinline)) long lz77_round_trip(const unsigned char *in, long n, triple_t *code,
                                               unsigned char *out) {
  long used = 0;
  for (long i = 0; i < n;) {
    long best = 0, best_distance = 0;
    for (long d = 1; d <= WINDOW && d <= i; d++) {
      long len = 0;
      while (len < LONGEST && i + len < n - 1 && in[i + len - d] == in[i + len]) len++;
      if (len > best) best = len, best_distance = d;
    }
    code[used++] = (triple_t){(unsigned char)best_distance, (unsigned char)best, in[i + best]};
    i += best + 1;
  }
  long at = 0;
  for (long t = 0; t < used; t++) {
    for (int k = 0; k < code[t].length; k++, at++) out[at] = out[at - code[t].distance];
    out[at++] = code[t].next;
  }
  return at == n && memcmp(in, out, (size_t)n) == 0 ? used : -1;
}

int main(int argc, char **argv) {
  static const char *words[16] = {"the ", "a ", "tree ", "of ", "life ", "green ", "house ",
                                  "on ", "river ", "stone ", "and ", "light ", "is ", "small ",
                                  "old ", "road "};
  long n = size_argument(argc, argv, 3500, 10000000);
  unsigned char *in = malloc((size_t)n), *out = malloc((size_t)n);
  triple_t *code = malloc((size_t)n * sizeof *code);
  uint64_t state = 0xe7037ed1a0b428dbULL;
  for (long i = 0; i < n;) {
    const char *w = words[next_random(&state) % 16];
    while (*w && i < n) in[i++] = (unsigned char)*w++;
  }
  long triples = lz77_round_trip(in, n, code, out);
  if (triples < 0) {
    fprintf(stderr, "%s: the decoded text differs\n", argv[0]);
    return 1;
  }
  printf("%ld bytes coded as %ld triples\n", n, triples);
  free(in);
  free(out);
  free(code);
  return 0;
}
