/* Longest common subsequence with a single row and a carried diagonal value, walked with
 * pointers; the outer loop runs over the second string. */
#include "../common.h"

ALGORITHM unsigned lcs_one_row(const char *a, const char *a_end, const char *b,
                               const char *b_end) {
  size_t n = (size_t)(a_end - a);
  unsigned *row = calloc(n + 1, sizeof(unsigned));
  for (const char *q = b; q < b_end; q++) {
    unsigned diag = 0; /* row[i] of the previous column, before it was overwritten */
    unsigned *cell = row + 1;
    for (const char *p = a; p < a_end; p++, cell++) {
      unsigned above = *cell;
      if (*p == *q) *cell = diag + 1;
      else if (cell[-1] > above) *cell = cell[-1];
      diag = above;
    }
  }
  unsigned result = row[n];
  free(row);
  return result;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *a = next_word(&in, &n);
  char *b = next_word(&in, &m);
  print_checksum(mix(CHECKSUM_START, lcs_one_row(a, a + n, b, b + m)));
  return 0;
}
