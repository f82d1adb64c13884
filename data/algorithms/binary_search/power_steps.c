/* Binary search by power-of-two steps (Bentley's unrolled idea as a loop): the position grows
 * by halving steps while the element there is still below the key. */
#include "../common.h"

ALGORITHM void step_search(const unsigned *keys, unsigned n, const unsigned *queries, unsigned q,
                           int *found) {
  unsigned top = 1;
  while (top * 2 <= n) top *= 2;
  for (unsigned k = 0; k < q; k++) {
    unsigned key = queries[k];
    unsigned pos = 0; /* count of elements known to be < key */
    for (unsigned step = top; step > 0; step >>= 1) {
      if (pos + step <= n && keys[pos + step - 1] < key) pos += step;
    }
    found[k] = pos < n && keys[pos] == key ? (int)pos : -1;
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  unsigned *keys = checked_malloc((size_t)n * sizeof *keys);
  for (int i = 0; i < n; i++) keys[i] = (unsigned)next_int(&in);
  int q = (int)next_int(&in);
  unsigned *queries = checked_malloc((size_t)q * sizeof *queries);
  for (int i = 0; i < q; i++) queries[i] = (unsigned)next_int(&in);
  int *found = checked_malloc((size_t)q * sizeof *found);
  step_search(keys, (unsigned)n, queries, (unsigned)q, found);
  print_checksum(checksum_ints(found, q));
  return 0;
}
