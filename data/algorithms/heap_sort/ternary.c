/* Heapsort on a ternary (3-ary) max-heap: each node has three children, sift-down picks the
 * largest of them with a loop. */
#include "../common.h"

static void sift3(unsigned *a, unsigned root, unsigned size) {
  for (;;) {
    unsigned first = 3 * root + 1;
    if (first >= size) return;
    unsigned best = first;
    unsigned stop = first + 3 < size ? first + 3 : size;
    for (unsigned c = first + 1; c < stop; c++)
      if (a[c] > a[best]) best = c;
    if (a[best] <= a[root]) return;
    unsigned t = a[root];
    a[root] = a[best];
    a[best] = t;
    root = best;
  }
}

ALGORITHM void ternary_heapsort(unsigned *a, unsigned n) {
  if (n < 2) return;
  for (unsigned i = (n - 2) / 3 + 1; i-- > 0;) sift3(a, i, n);
  for (unsigned end = n - 1; end > 0; end--) {
    unsigned t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift3(a, 0, end);
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  unsigned *a = checked_malloc((size_t)n * sizeof *a);
  for (int i = 0; i < n; i++) a[i] = (unsigned)next_int(&in);
  ternary_heapsort(a, (unsigned)n);
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < n; i++) h = mix(h, a[i]);
  print_checksum(h);
  return 0;
}
