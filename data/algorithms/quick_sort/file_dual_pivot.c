/* Dual-pivot quicksort (Yaroslavskiy): two pivots split each range into three parts (less than
 * the first, between, greater than the second) in one left-to-right scan with a right fence,
 * and the three parts recurse. The file is read whole and parsed with strtol (no common.h).
 * Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline void exchange(int *a, int i, int j) {
  int t = a[i];
  a[i] = a[j];
  a[j] = t;
}

__attribute__((noinline)) void dual_pivot_quicksort(int *a, int left, int right) {
  if (right <= left) return;
  if (a[left] > a[right]) exchange(a, left, right);
  int p = a[left], q = a[right];
  int l = left + 1, g = right - 1, k = l;
  while (k <= g) {
    if (a[k] < p) {
      exchange(a, k, l++);
    } else if (a[k] >= q) {
      while (a[g] > q && k < g) g--;
      exchange(a, k, g--);
      if (a[k] < p) exchange(a, k, l++);
    }
    k++;
  }
  l--;
  g++;
  exchange(a, left, l);
  exchange(a, right, g);
  dual_pivot_quicksort(a, left, l - 1);
  dual_pivot_quicksort(a, l + 1, g - 1);
  dual_pivot_quicksort(a, g + 1, right);
}

int main(int argc, char **argv) {
  FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
  if (!f) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable file)\n", argv[0]);
    return 2;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  rewind(f);
  char *text = malloc((size_t)size + 1);
  size_t got = fread(text, 1, (size_t)size, f);
  text[got] = '\0';
  fclose(f);
  char *p = text;
  long n = strtol(p, &p, 10);
  int *a = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  for (long i = 0; i < n; i++) {
    char *before = p;
    a[i] = (int)strtol(p, &p, 10);
    if (p == before) {
      fprintf(stderr, "error: %s holds fewer than %ld values\n", argv[1], n);
      return 2;
    }
  }
  dual_pivot_quicksort(a, 0, (int)n - 1);
  uint64_t h = 14695981039346656037ULL;
  for (long i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  free(text);
  return 0;
}
