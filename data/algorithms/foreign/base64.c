/* Base64 encoding and decoding of SIZE random bytes (default 60000, fixed-seed xorshift) with
 * a table lookup per 6-bit group, then a check that decoding gives the bytes back. Foreign to
 * the 12 classes: bit packing and table lookups in one streaming pass. */
#include <string.h>
#include "foreign.h"

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

__attribute__((noinline)) long base64_round_trip(const unsigned char *in, long n, char *text,
                                                 unsigned char *out) {
  long t = 0;
  for (long i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < n) v |= in[i + 2];
    text[t++] = ALPHABET[v >> 18 & 63];
    text[t++] = ALPHABET[v >> 12 & 63];
    text[t++] = i + 1 < n ? ALPHABET[v >> 6 & 63] : '=';
    text[t++] = i + 2 < n ? ALPHABET[v & 63] : '=';
  }
  signed char value[256];
  memset(value, -1, sizeof value);
  for (int k = 0; k < 64; k++) value[(unsigned char)ALPHABET[k]] = (signed char)k;
  long o = 0;
  for (long i = 0; i < t; i += 4) {
    uint32_t v = 0;
    int pad = 0;
    for (int k = 0; k < 4; k++) {
      if (text[i + k] == '=') pad++;
      v = v << 6 | (uint32_t)(text[i + k] == '=' ? 0 : value[(unsigned char)text[i + k]]);
    }
    out[o++] = (unsigned char)(v >> 16);
    if (pad < 2) out[o++] = (unsigned char)(v >> 8);
    if (pad < 1) out[o++] = (unsigned char)v;
  }
  return o == n && memcmp(in, out, (size_t)n) == 0 ? t : -1;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 60000, 100000000);
  unsigned char *in = malloc((size_t)n), *out = malloc((size_t)n + 3);
  char *text = malloc((size_t)(n / 3 + 1) * 4);
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (long i = 0; i < n; i++) in[i] = (unsigned char)next_random(&state);
  long length = base64_round_trip(in, n, text, out);
  if (length < 0) {
    fprintf(stderr, "%s: the decoded bytes differ\n", argv[0]);
    return 1;
  }
  printf("%ld bytes as %ld base64 characters\n", n, length);
  return 0;
}
