/* Dijkstra's algorithm with a binary heap of (distance, vertex) pairs and lazy deletion:
 * stale entries are skipped when popped; CSR adjacency. */
#include "../common.h"

typedef struct {
  int dist;
  int vertex;
} entry_t;

typedef struct {
  entry_t *items;
  int size;
} heap_t;

static void push(heap_t *h, int dist, int vertex) {
  int i = h->size++;
  while (i > 0 && h->items[(i - 1) / 2].dist > dist) {
    h->items[i] = h->items[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  h->items[i].dist = dist;
  h->items[i].vertex = vertex;
}

static entry_t pop(heap_t *h) {
  entry_t top = h->items[0];
  entry_t last = h->items[--h->size];
  int i = 0;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= h->size) break;
    if (c + 1 < h->size && h->items[c + 1].dist < h->items[c].dist) c++;
    if (h->items[c].dist >= last.dist) break;
    h->items[i] = h->items[c];
    i = c;
  }
  h->items[i] = last;
  return top;
}

ALGORITHM void dijkstra_heap(const int *offsets, const int *targets, const int *weights, int n,
                             int m2, int source, int *dist) {
  heap_t h = {checked_malloc(((size_t)m2 + 1) * sizeof(entry_t)), 0};
  for (int i = 0; i < n; i++) dist[i] = -1;
  dist[source] = 0;
  push(&h, 0, source);
  while (h.size > 0) {
    entry_t e = pop(&h);
    if (e.dist > dist[e.vertex]) continue;
    for (int k = offsets[e.vertex]; k < offsets[e.vertex + 1]; k++) {
      int v = targets[k];
      int nd = e.dist + weights[k];
      if (dist[v] < 0 || nd < dist[v]) {
        dist[v] = nd;
        push(&h, nd, v);
      }
    }
  }
  free(h.items);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  int *offsets = calloc((size_t)g.n + 1, sizeof(int));
  int *targets = checked_malloc((size_t)g.m * 2 * sizeof(int));
  int *weights = checked_malloc((size_t)g.m * 2 * sizeof(int));
  for (int e = 0; e < g.m; e++) {
    offsets[g.u[e] + 1]++;
    offsets[g.v[e] + 1]++;
  }
  for (int i = 0; i < g.n; i++) offsets[i + 1] += offsets[i];
  int *fill = checked_malloc((size_t)g.n * sizeof(int));
  memcpy(fill, offsets, (size_t)g.n * sizeof(int));
  for (int e = 0; e < g.m; e++) {
    int a = fill[g.u[e]]++, b = fill[g.v[e]]++;
    targets[a] = g.v[e];
    weights[a] = g.w[e];
    targets[b] = g.u[e];
    weights[b] = g.w[e];
  }
  int *dist = checked_malloc((size_t)g.n * sizeof *dist);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    dijkstra_heap(offsets, targets, weights, g.n, 2 * g.m, g.sources[s], dist);
    h = mix_ints(h, dist, g.n);
  }
  print_checksum(h);
  return 0;
}
