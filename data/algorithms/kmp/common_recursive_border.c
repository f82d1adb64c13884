/* Knuth-Morris-Pratt whose border table is defined recursively: border(q), the longest proper
 * border of the first q pattern characters, is computed by a memoised recursive function that
 * tries the borders of border(q - 1) in turn; the search then falls back through the table.
 * Input through common.h. */
#include "../common.h"

/* Not inlined: gcc-12 -O3 inlines the recursion into border_kmp and then cannot see that the memo
 * was filled with -1 (a false -Wmaybe-uninitialized). */
static __attribute__((noinline)) int border(const char *p, int *memo, int q) {
  if (memo[q] >= 0) return memo[q];
  int result = 0;
  if (q > 1) {
    int b = border(p, memo, q - 1);
    for (;;) {
      if (p[b] == p[q - 1]) {
        result = b + 1;
        break;
      }
      if (b == 0) break;
      b = border(p, memo, b);
    }
  }
  return memo[q] = result;
}

ALGORITHM int border_kmp(const char *text, const char *p, int m, int *found) {
  int *memo = checked_malloc(((size_t)m + 1) * sizeof(int));
  for (int q = 0; q <= m; q++) memo[q] = -1;
  border(p, memo, m);
  int q = 0, count = 0;
  for (int i = 0; text[i]; i++) {
    if (q == m) q = memo[m];
    while (q > 0 && p[q] != text[i]) q = memo[q];
    if (p[q] == text[i]) q++;
    if (q == m) found[count++] = i - m + 1;
  }
  free(memo);
  return count;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *text = next_word(&in, &n);
  char *pattern = next_word(&in, &m);
  int *found = checked_malloc((size_t)n * sizeof(int));
  int count = border_kmp(text, pattern, m, found);
  print_checksum(mix(checksum_ints(found, count), count));
  return 0;
}
