/* Matrix multiplication, textbook i-j-k loops over matrices stored as arrays of row pointers,
 * a scalar accumulator per output element. */
#include "../common.h"

static long long **alloc_rows(int n) {
  long long **m = checked_malloc((size_t)n * sizeof *m);
  for (int i = 0; i < n; i++) m[i] = calloc((size_t)n, sizeof **m);
  return m;
}

ALGORITHM void matmul_ijk(long long **a, long long **b, long long **c, int n) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      long long sum = 0;
      for (int k = 0; k < n; k++) sum += a[i][k] * b[k][j];
      c[i][j] = sum;
    }
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  long long **a = alloc_rows(n), **b = alloc_rows(n), **c = alloc_rows(n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) a[i][j] = next_int(&in);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) b[i][j] = next_int(&in);
  matmul_ijk(a, b, c, n);
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) h = mix(h, c[i][j]);
  print_checksum(h);
  return 0;
}
