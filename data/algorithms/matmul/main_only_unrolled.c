/* Matrix multiplication written entirely in main: i-j-k order with the k loop unrolled by four
 * into four partial sums, and a remainder loop for the last n mod 4 terms. Input through
 * common.h. */
#include "../common.h"

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n * n);
  int *b = read_ints(&in, n * n);
  long long *c = checked_malloc((size_t)n * n * sizeof(long long));
  for (int i = 0; i < n; i++) {
    const int *ai = a + (size_t)i * n;
    for (int j = 0; j < n; j++) {
      long long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int k = 0;
      for (; k + 4 <= n; k += 4) {
        s0 += (long long)ai[k] * b[(size_t)k * n + j];
        s1 += (long long)ai[k + 1] * b[(size_t)(k + 1) * n + j];
        s2 += (long long)ai[k + 2] * b[(size_t)(k + 2) * n + j];
        s3 += (long long)ai[k + 3] * b[(size_t)(k + 3) * n + j];
      }
      for (; k < n; k++) s0 += (long long)ai[k] * b[(size_t)k * n + j];
      c[(size_t)i * n + j] = s0 + s1 + s2 + s3;
    }
  }
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < n * n; i++) h = mix(h, c[i]);
  print_checksum(h);
  return 0;
}
