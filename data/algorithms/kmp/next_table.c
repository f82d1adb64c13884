/* Knuth-Morris-Pratt with the classic "next" table (next[0] = -1): the failure function is
 * built and used with the same two-index loop, the text index never moves back. */
#include "../common.h"

static void build_next(const char *p, int m, int *next) {
  int i = 0, j = -1;
  next[0] = -1;
  while (i < m) {
    if (j == -1 || p[i] == p[j]) {
      i++;
      j++;
      next[i] = j;
    } else {
      j = next[j];
    }
  }
}

ALGORITHM int kmp_next(const char *t, int n, const char *p, int m, int *matches) {
  int *next = checked_malloc(((size_t)m + 1) * sizeof *next);
  build_next(p, m, next);
  int i = 0, j = 0, count = 0;
  while (i < n) {
    if (j == -1 || t[i] == p[j]) {
      i++;
      j++;
      if (j == m) {
        matches[count++] = i - m;
        j = next[m];
      }
    } else {
      j = next[j];
    }
  }
  free(next);
  return count;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *text = next_word(&in, &n);
  char *pattern = next_word(&in, &m);
  int *matches = checked_malloc((size_t)n * sizeof *matches);
  int count = kmp_next(text, n, pattern, m, matches);
  print_checksum(mix(checksum_ints(matches, count), count));
  return 0;
}
