/* Insertion sort written entirely in main: values from standard input (scanf); for each new
 * value a for loop walks left, shifting larger neighbours, and breaks at the first smaller one.
 * No common.h.  Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n;
  if (argc != 1 || scanf("%d", &n) != 1 || n < 0) {
    fprintf(stderr, "usage: %s < INPUT (a count, then the values)\n", argv[0]);
    return 2;
  }
  int *a = calloc((size_t)n + 1, sizeof *a);
  for (int i = 0; i < n; i++) {
    if (scanf("%d", a + i) != 1) {
      fprintf(stderr, "error: expected %d values on standard input\n", n);
      return 2;
    }
  }
  for (int i = 1; i < n; i++) {
    int key = a[i];
    int j;
    for (j = i; j > 0; j--) {
      if (a[j - 1] <= key) break;
      a[j] = a[j - 1];
    }
    a[j] = key;
  }
  unsigned long long h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) {
    h ^= (unsigned long long)(long long)a[i];
    h *= 1099511628211ULL;
  }
  printf("%llu\n", h);
  free(a);
  return 0;
}
