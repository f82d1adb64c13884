/* Knuth-Morris-Pratt as a streaming matcher: a matcher object with its border table is fed one
 * character at a time through a function call and says when a match ends there. */
#include "../common.h"

typedef struct {
  const char *pattern;
  int length;
  int *border; /* border[q]: longest proper border of pattern[0..q) */
  int state;
} matcher_t;

static void matcher_init(matcher_t *mt, const char *pattern, int length) {
  mt->pattern = pattern;
  mt->length = length;
  mt->state = 0;
  mt->border = checked_malloc(((size_t)length + 1) * sizeof(int));
  mt->border[0] = mt->border[1] = 0;
  for (int q = 1; q < length; q++) {
    int b = mt->border[q];
    while (b > 0 && pattern[b] != pattern[q]) b = mt->border[b];
    mt->border[q + 1] = pattern[b] == pattern[q] ? b + 1 : 0;
  }
}

static int matcher_feed(matcher_t *mt, char c) {
  int q = mt->state;
  if (q == mt->length) q = mt->border[q];
  while (q > 0 && mt->pattern[q] != c) q = mt->border[q];
  if (mt->pattern[q] == c) q++;
  mt->state = q;
  return q == mt->length;
}

ALGORITHM int stream_matches(const char *text, const char *pattern, int m, int *matches) {
  matcher_t mt;
  matcher_init(&mt, pattern, m);
  int count = 0;
  for (const char *c = text; *c; c++) {
    if (matcher_feed(&mt, *c)) matches[count++] = (int)(c - text) - m + 1;
  }
  free(mt.border);
  return count;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *text = next_word(&in, &n);
  char *pattern = next_word(&in, &m);
  int *matches = checked_malloc((size_t)n * sizeof *matches);
  int count = stream_matches(text, pattern, m, matches);
  print_checksum(mix(checksum_ints(matches, count), count));
  return 0;
}
