/* Insertion sort of generated doubles in an array of structs (key, id); prints a checksum. */
#include <stdio.h>
#include <stdlib.h>
typedef struct { double key; int id; } item;
static void sort_items(item *a, int n) {
  for (int i = 1; i < n; i++) {
    item x = a[i];
    int j = i;
    while (j > 0 && a[j - 1].key > x.key) { a[j] = a[j - 1]; j--; }
    a[j] = x;
  }
}
int main(void) {
  int n = 3000;
  item *a = malloc(sizeof(item) * n);
  unsigned s = 12345;
  for (int i = 0; i < n; i++) { s = s * 1103515245u + 12345u; a[i].key = (s >> 8) / 16777216.0; a[i].id = i; }
  sort_items(a, n);
  long c = 0;
  for (int i = 0; i < n; i++) c += a[i].id * (long)(i % 7);
  printf("%ld\n", c);
  free(a);
  return 0;
}
