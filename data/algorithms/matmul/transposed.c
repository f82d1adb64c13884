/* Matrix multiplication through a transposed copy of b: every output element is the dot
 * product of two contiguous rows, computed by a helper. */
#include "../common.h"

static long long dot(const int *x, const int *y, int n) {
  long long s = 0;
  for (int k = 0; k < n; k++) s += (long long)x[k] * y[k];
  return s;
}

ALGORITHM void matmul_transposed(const int *a, const int *b, long long *c, int n) {
  int *bt = checked_malloc((size_t)n * n * sizeof *bt);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) bt[(size_t)j * n + i] = b[(size_t)i * n + j];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) c[(size_t)i * n + j] = dot(a + (size_t)i * n, bt + (size_t)j * n, n);
  free(bt);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n * n);
  int *b = read_ints(&in, n * n);
  long long *c = checked_malloc((size_t)n * n * sizeof *c);
  matmul_transposed(a, b, c, n);
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < n * n; i++) h = mix(h, c[i]);
  print_checksum(h);
  return 0;
}
