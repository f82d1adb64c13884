/* Heapsort on a 1-based max-heap addressed through PARENT/LEFT/RIGHT macros: the heap is built
 * by inserting the values one at a time (sift-up), then the maximum is moved behind the heap
 * until it is empty (sift-down). Values from standard input (scanf), no common.h.
 * Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PARENT(i) ((i) >> 1)
#define LEFT(i) ((i) << 1)
#define RIGHT(i) (((i) << 1) | 1)

static void sift_up(int *heap, int i) {
  int value = heap[i];
  while (i > 1 && heap[PARENT(i)] < value) {
    heap[i] = heap[PARENT(i)];
    i = PARENT(i);
  }
  heap[i] = value;
}

static void sift_down(int *heap, int i, int size) {
  for (;;) {
    int largest = i;
    if (LEFT(i) <= size && heap[LEFT(i)] > heap[largest]) largest = LEFT(i);
    if (RIGHT(i) <= size && heap[RIGHT(i)] > heap[largest]) largest = RIGHT(i);
    if (largest == i) return;
    int t = heap[i];
    heap[i] = heap[largest];
    heap[largest] = t;
    i = largest;
  }
}

/* heap[1..n] holds the values; sorts them ascending in place. */
__attribute__((noinline)) void insertion_built_heapsort(int *heap, int n) {
  for (int size = 2; size <= n; size++) sift_up(heap, size);
  for (int size = n; size > 1; size--) {
    int t = heap[1];
    heap[1] = heap[size];
    heap[size] = t;
    sift_down(heap, 1, size - 1);
  }
}

int main(int argc, char **argv) {
  int n;
  if (argc != 1 || scanf("%d", &n) != 1 || n < 0) {
    fprintf(stderr, "usage: %s < INPUT (a count, then the values)\n", argv[0]);
    return 2;
  }
  int *heap = malloc(sizeof(int) * (size_t)(n + 1));
  for (int i = 1; i <= n; i++) {
    if (scanf("%d", &heap[i]) != 1) {
      fprintf(stderr, "error: expected %d values on standard input\n", n);
      return 2;
    }
  }
  insertion_built_heapsort(heap, n);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 1; i <= n; i++) h = (h ^ (uint64_t)(int64_t)heap[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(heap);
  return 0;
}
