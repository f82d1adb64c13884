/* Knuth-Morris-Pratt: counts occurrences of a fixed pattern in a generated DNA-like text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static long kmp_count(const char *t, long n, const char *p) {
  long m = strlen(p), count = 0; long *f = malloc(m * sizeof(long)); f[0] = 0;
  for (long i = 1, k = 0; i < m; i++) { while (k > 0 && p[i] != p[k]) k = f[k - 1]; if (p[i] == p[k]) k++; f[i] = k; }
  for (long i = 0, k = 0; i < n; i++) {
    while (k > 0 && t[i] != p[k]) k = f[k - 1];
    if (t[i] == p[k]) k++;
    if (k == m) { count++; k = f[k - 1]; }
  }
  free(f); return count;
}
int main(void) {
  long n = 400000; char *t = malloc(n); unsigned s = 23;
  for (long i = 0; i < n; i++) { s = s * 1664525u + 1013904223u; t[i] = "ACGT"[(s >> 24) & 3]; }
  printf("%ld\n", kmp_count(t, n, "ACGTAC")); free(t); return 0;
}
