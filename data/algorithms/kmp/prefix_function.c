/* Knuth-Morris-Pratt with the prefix function pi (0-based): the search falls back through pi
 * on a mismatch and reports every (overlapping) match. */
#include "../common.h"

static void prefix_function(const char *p, int m, int *pi) {
  pi[0] = 0;
  for (int i = 1; i < m; i++) {
    int k = pi[i - 1];
    while (k > 0 && p[i] != p[k]) k = pi[k - 1];
    if (p[i] == p[k]) k++;
    pi[i] = k;
  }
}

ALGORITHM int kmp_search(const char *t, int n, const char *p, int m, int *matches) {
  int *pi = checked_malloc((size_t)m * sizeof *pi);
  prefix_function(p, m, pi);
  int count = 0, k = 0;
  for (int i = 0; i < n; i++) {
    while (k > 0 && t[i] != p[k]) k = pi[k - 1];
    if (t[i] == p[k]) k++;
    if (k == m) {
      matches[count++] = i - m + 1;
      k = pi[k - 1];
    }
  }
  free(pi);
  return count;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *text = next_word(&in, &n);
  char *pattern = next_word(&in, &m);
  int *matches = checked_malloc((size_t)n * sizeof *matches);
  int count = kmp_search(text, n, pattern, m, matches);
  uint64_t h = checksum_ints(matches, count);
  print_checksum(mix(h, count));
  return 0;
}
