/* Longest common subsequence with two rolling rows (previous and current) swapped by pointer
 * after each row; a max() helper picks the larger neighbour. */
#include "../common.h"

static int max_of(int x, int y) {
  return x > y ? x : y;
}

ALGORITHM int lcs_rows(const char *a, int n, const char *b, int m) {
  int *prev = calloc((size_t)m + 1, sizeof(int));
  int *cur = calloc((size_t)m + 1, sizeof(int));
  for (int i = 0; i < n; i++) {
    cur[0] = 0;
    for (int j = 0; j < m; j++) {
      cur[j + 1] = a[i] == b[j] ? prev[j] + 1 : max_of(prev[j + 1], cur[j]);
    }
    int *swap = prev;
    prev = cur;
    cur = swap;
  }
  int result = prev[m];
  free(prev);
  free(cur);
  return result;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *a = next_word(&in, &n);
  char *b = next_word(&in, &m);
  print_checksum(mix(CHECKSUM_START, lcs_rows(a, n, b, m)));
  return 0;
}
