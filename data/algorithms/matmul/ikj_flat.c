/* Matrix multiplication in i-k-j order on flat row-major arrays: each a[i][k] is broadcast
 * along a row of b and accumulated into a row of c. */
#include "../common.h"

ALGORITHM void matmul_ikj(const int *a, const int *b, long long *c, int n) {
  memset(c, 0, (size_t)n * n * sizeof *c);
  for (int i = 0; i < n; i++) {
    long long *crow = c + (size_t)i * n;
    for (int k = 0; k < n; k++) {
      long long aik = a[(size_t)i * n + k];
      const int *brow = b + (size_t)k * n;
      for (int j = 0; j < n; j++) crow[j] += aik * brow[j];
    }
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n * n);
  int *b = read_ints(&in, n * n);
  long long *c = checked_malloc((size_t)n * n * sizeof *c);
  matmul_ikj(a, b, c, n);
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < n * n; i++) h = mix(h, c[i]);
  print_checksum(h);
  return 0;
}
