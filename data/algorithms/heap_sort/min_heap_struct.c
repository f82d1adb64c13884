/* Heapsort through a priority-queue structure: every value is pushed into a min-heap
 * (sift-up), then popped in order into the output (sift-down). */
#include "../common.h"

typedef struct {
  long long *items;
  int size;
} min_heap_t;

static void heap_push(min_heap_t *heap, long long value) {
  int i = heap->size++;
  while (i > 0) {
    int parent = (i - 1) / 2;
    if (heap->items[parent] <= value) break;
    heap->items[i] = heap->items[parent];
    i = parent;
  }
  heap->items[i] = value;
}

static long long heap_pop(min_heap_t *heap) {
  long long top = heap->items[0];
  long long last = heap->items[--heap->size];
  int i = 0;
  for (;;) {
    int l = 2 * i + 1;
    if (l >= heap->size) break;
    int smallest = l;
    if (l + 1 < heap->size && heap->items[l + 1] < heap->items[l]) smallest = l + 1;
    if (heap->items[smallest] >= last) break;
    heap->items[i] = heap->items[smallest];
    i = smallest;
  }
  if (heap->size > 0) heap->items[i] = last;
  return top;
}

ALGORITHM void priority_queue_sort(const int *in, int *out, int n) {
  min_heap_t heap = {checked_malloc((size_t)n * sizeof(long long)), 0};
  for (int i = 0; i < n; i++) heap_push(&heap, in[i]);
  for (int i = 0; i < n; i++) out[i] = (int)heap_pop(&heap);
  free(heap.items);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  int *sorted = checked_malloc((size_t)n * sizeof *sorted);
  priority_queue_sort(a, sorted, n);
  print_checksum(checksum_ints(sorted, n));
  return 0;
}
