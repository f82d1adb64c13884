/* Dijkstra's algorithm written entirely in main: a lazy binary min-heap of 64-bit keys that
 * pack the distance (high half) and the vertex (low half), so one integer comparison orders
 * them; stale keys are skipped when popped. Input through common.h. */
#include "../common.h"

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  int *start = calloc((size_t)g.n + 1, sizeof(int));
  for (int e = 0; e < g.m; e++) start[g.u[e] + 1]++, start[g.v[e] + 1]++;
  for (int v = 0; v < g.n; v++) start[v + 1] += start[v];
  int *other = checked_malloc((size_t)g.m * 2 * sizeof(int));
  int *cost = checked_malloc((size_t)g.m * 2 * sizeof(int));
  int *put = checked_malloc((size_t)g.n * sizeof(int));
  memcpy(put, start, (size_t)g.n * sizeof(int));
  for (int e = 0; e < g.m; e++) {
    other[put[g.u[e]]] = g.v[e], cost[put[g.u[e]]++] = g.w[e];
    other[put[g.v[e]]] = g.u[e], cost[put[g.v[e]]++] = g.w[e];
  }
  long long *dist = checked_malloc((size_t)g.n * sizeof(long long));
  uint64_t *heap = checked_malloc(((size_t)g.m * 2 + 2) * sizeof(uint64_t));
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    for (int v = 0; v < g.n; v++) dist[v] = -1;
    int size = 0;
    dist[g.sources[s]] = 0;
    heap[size++] = (uint64_t)g.sources[s];
    while (size > 0) {
      uint64_t top = heap[0];
      uint64_t last = heap[--size];
      int i = 0;
      for (;;) { /* sift `last` down from the root */
        int c = 2 * i + 1;
        if (c >= size) break;
        if (c + 1 < size && heap[c + 1] < heap[c]) c++;
        if (heap[c] >= last) break;
        heap[i] = heap[c];
        i = c;
      }
      if (size > 0) heap[i] = last;
      long long d = (long long)(top >> 32);
      int u = (int)(top & 0xffffffffu);
      if (d != dist[u]) continue; /* stale */
      for (int a = start[u]; a < start[u + 1]; a++) {
        int v = other[a];
        long long nd = d + cost[a];
        if (dist[v] >= 0 && nd >= dist[v]) continue;
        dist[v] = nd;
        uint64_t key = ((uint64_t)nd << 32) | (uint32_t)v;
        int j = size++;
        while (j > 0 && heap[(j - 1) / 2] > key) { /* sift up */
          heap[j] = heap[(j - 1) / 2];
          j = (j - 1) / 2;
        }
        heap[j] = key;
      }
    }
    for (int v = 0; v < g.n; v++) h = mix(h, dist[v]);
  }
  print_checksum(h);
  return 0;
}
