/* Heap sort of generated floats (sift-down written as a loop); prints a checksum. */
#include <stdio.h>
#include <stdlib.h>
static void sift(float *a, int i, int n) {
  for (;;) {
    int c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && a[c + 1] > a[c]) c++;
    if (a[i] >= a[c]) return;
    float t = a[i]; a[i] = a[c]; a[c] = t; i = c;
  }
}
int main(void) {
  int n = 40000; float *a = malloc(n * sizeof(float)); unsigned s = 17;
  for (int i = 0; i < n; i++) { s = s * 1103515245u + 12345u; a[i] = (s >> 8) / 65536.0f; }
  for (int i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
  for (int end = n - 1; end > 0; end--) { float t = a[0]; a[0] = a[end]; a[end] = t; sift(a, 0, end); }
  double h = 0; for (int i = 0; i < n; i += 101) h += a[i] * (i % 13);
  printf("%.2f\n", h); free(a); return 0;
}
