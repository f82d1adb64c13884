/* Bubble sort, recursive: one pass floats the maximum to the end, then recurse on the rest;
 * the values live in a struct array with a key field. */
#include "../common.h"

typedef struct {
  int key;
  int pad;
} item_t;

static void bubble_pass(item_t *items, int n) {
  for (int j = 1; j < n; j++) {
    if (items[j - 1].key > items[j].key) {
      item_t t = items[j - 1];
      items[j - 1] = items[j];
      items[j] = t;
    }
  }
}

ALGORITHM void bubble_recursive(item_t *items, int n) {
  if (n <= 1) return;
  bubble_pass(items, n);
  bubble_recursive(items, n - 1);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  item_t *items = checked_malloc((size_t)n * sizeof *items);
  for (int i = 0; i < n; i++) {
    items[i].key = (int)next_int(&in);
    items[i].pad = i;
  }
  bubble_recursive(items, n);
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < n; i++) h = mix(h, items[i].key);
  print_checksum(h);
  return 0;
}
