/* Longest common subsequence by dynamic programming over the full (n+1) x (m+1) table,
 * stored row-major in one allocation. */
#include "../common.h"

ALGORITHM int lcs_table(const char *a, int n, const char *b, int m) {
  int width = m + 1;
  int *t = calloc((size_t)(n + 1) * width, sizeof(int));
  for (int i = 1; i <= n; i++) {
    for (int j = 1; j <= m; j++) {
      if (a[i - 1] == b[j - 1]) t[i * width + j] = t[(i - 1) * width + j - 1] + 1;
      else if (t[(i - 1) * width + j] >= t[i * width + j - 1]) t[i * width + j] = t[(i - 1) * width + j];
      else t[i * width + j] = t[i * width + j - 1];
    }
  }
  int result = t[n * width + m];
  free(t);
  return result;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *a = next_word(&in, &n);
  char *b = next_word(&in, &m);
  print_checksum(mix(CHECKSUM_START, lcs_table(a, n, b, m)));
  return 0;
}
