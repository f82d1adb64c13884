/* Insertion sort with a sentinel: the minimum is moved to the front first, so the inner
 * pointer loop needs no bounds test. Sorts a copy held in a long long buffer. */
#include "../common.h"

ALGORITHM void sentinel_insertion(long long *first, long long *last) {
  if (last - first < 2) return;
  long long *min = first;
  for (long long *p = first + 1; p < last; p++)
    if (*p < *min) min = p;
  long long t = *first;
  *first = *min;
  *min = t;
  for (long long *p = first + 2; p < last; p++) {
    long long v = *p;
    long long *q = p;
    while (v < *(q - 1)) {
      *q = *(q - 1);
      q--;
    }
    *q = v;
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  long long *a = checked_malloc((size_t)n * sizeof *a);
  for (int i = 0; i < n; i++) a[i] = next_int(&in);
  sentinel_insertion(a, a + n);
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < n; i++) h = mix(h, a[i]);
  print_checksum(h);
  return 0;
}
