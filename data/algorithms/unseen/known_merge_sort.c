/* Bottom-up merge sort of generated longs with one scratch buffer; prints a checksum. */
#include <stdio.h>
#include <stdlib.h>
static void merge_pass(const long *src, long *dst, long n, long width) {
  for (long lo = 0; lo < n; lo += 2 * width) {
    long mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
    long i = lo, j = mid, k = lo;
    while (i < mid && j < hi) dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
    while (i < mid) dst[k++] = src[i++];
    while (j < hi) dst[k++] = src[j++];
  }
}
int main(void) {
  long n = 50000; long *a = malloc(n * sizeof(long)), *b = malloc(n * sizeof(long)); unsigned long s = 11;
  for (long i = 0; i < n; i++) { s = s * 6364136223846793005ul + 1; a[i] = (long)(s >> 20); }
  for (long w = 1; w < n; w *= 2) { merge_pass(a, b, n, w); long *t = a; a = b; b = t; }
  unsigned long h = 0; for (long i = 0; i < n; i += 97) h = h * 31 + (unsigned long)a[i];
  printf("%lu\n", h); free(a); free(b); return 0;
}
