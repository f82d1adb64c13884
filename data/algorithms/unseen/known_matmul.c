/* Integer matrix product C = A * B^T of generated 16-bit matrices (B stored transposed). */
#include <stdio.h>
#include <stdlib.h>
static void mul_t(const short *a, const short *bt, long *c, int n) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) { long s = 0; for (int k = 0; k < n; k++) s += a[i * n + k] * bt[j * n + k]; c[i * n + j] = s; }
}
int main(void) {
  int n = 120; short *a = malloc(2 * n * n), *b = malloc(2 * n * n); long *c = malloc(8 * n * n); unsigned s = 41;
  for (int i = 0; i < n * n; i++) { s = s * 1664525u + 1013904223u; a[i] = (s >> 20) % 200 - 100; s = s * 1664525u + 1013904223u; b[i] = (s >> 20) % 200 - 100; }
  mul_t(a, b, c, n);
  long h = 0; for (int i = 0; i < n * n; i += 7) h += c[i];
  printf("%ld\n", h); return 0;
}
