/* Longest common subsequence written entirely in main: two rows of one 2 x (m + 1) array,
 * chosen by the parity of the row number, so nothing is swapped or copied. Input through
 * common.h. */
#include "../common.h"

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *a = next_word(&in, &n);
  char *b = next_word(&in, &m);
  int *rows = calloc(2 * ((size_t)m + 1), sizeof(int));
  for (int i = 1; i <= n; i++) {
    int *cur = rows + (i & 1) * (m + 1), *prev = rows + ((i - 1) & 1) * (m + 1);
    for (int j = 1; j <= m; j++) {
      if (a[i - 1] == b[j - 1]) cur[j] = prev[j - 1] + 1;
      else if (prev[j] >= cur[j - 1]) cur[j] = prev[j];
      else cur[j] = cur[j - 1];
    }
  }
  print_checksum(mix(CHECKSUM_START, rows[(n & 1) * (m + 1) + m]));
  return 0;
}
