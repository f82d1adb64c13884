/* 0/1 knapsack by dynamic programming over generated items; prints the best value. */
#include <stdio.h>
#include <stdlib.h>
static long knapsack(const int *w, const int *v, int n, int cap) {
  long *best = calloc(cap + 1, sizeof(long));
  for (int i = 0; i < n; i++)
    for (int c = cap; c >= w[i]; c--)
      if (best[c - w[i]] + v[i] > best[c]) best[c] = best[c - w[i]] + v[i];
  long r = best[cap]; free(best); return r;
}
int main(void) {
  int n = 300, cap = 5000, w[300], v[300]; unsigned s = 99;
  for (int i = 0; i < n; i++) { s = s * 1103515245u + 12345u; w[i] = 1 + (s >> 16) % 100; s = s * 1103515245u + 12345u; v[i] = 1 + (s >> 16) % 1000; }
  printf("%ld\n", knapsack(w, v, n, cap)); return 0;
}
