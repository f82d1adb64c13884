/* Dijkstra's algorithm with an indexed 4-ary min-heap (each node has four children; a position
 * table allows decrease-key by sifting up) over forward-star adjacency. Edges from standard
 * input (scanf), no common.h.  Usage: PROGRAM < INPUT */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  int size;
  int *vertex; /* heap slots */
  int *slot;   /* slot of each vertex, -1 when not in the heap */
  const int *key;
} heap4_t;

static void place(heap4_t *h, int i, int v) {
  h->vertex[i] = v;
  h->slot[v] = i;
}

static void heap_up(heap4_t *h, int i) {
  int v = h->vertex[i];
  while (i > 0 && h->key[h->vertex[(i - 1) / 4]] > h->key[v]) {
    place(h, i, h->vertex[(i - 1) / 4]);
    i = (i - 1) / 4;
  }
  place(h, i, v);
}

static void heap_down(heap4_t *h, int i) {
  int v = h->vertex[i];
  for (;;) {
    int best = -1;
    for (int c = 4 * i + 1; c <= 4 * i + 4 && c < h->size; c++)
      if (best < 0 || h->key[h->vertex[c]] < h->key[h->vertex[best]]) best = c;
    if (best < 0 || h->key[h->vertex[best]] >= h->key[v]) break;
    place(h, i, h->vertex[best]);
    i = best;
  }
  place(h, i, v);
}

__attribute__((noinline)) void quaternary_dijkstra(int n, const int *head, const int *next,
                                                   const int *to, const int *w, int source,
                                                   int *dist, heap4_t *h) {
  for (int v = 0; v < n; v++) dist[v] = INT_MAX, h->slot[v] = -1;
  h->size = 0;
  h->key = dist;
  dist[source] = 0;
  place(h, h->size++, source);
  while (h->size > 0) {
    int u = h->vertex[0];
    h->slot[u] = -1;
    if (--h->size > 0) {
      place(h, 0, h->vertex[h->size]);
      heap_down(h, 0);
    }
    for (int a = head[u]; a >= 0; a = next[a]) {
      int v = to[a];
      if (dist[u] + w[a] >= dist[v]) continue;
      int fresh = dist[v] == INT_MAX;
      dist[v] = dist[u] + w[a];
      if (fresh) place(h, h->size++, v);
      heap_up(h, h->slot[v]);
    }
  }
  for (int v = 0; v < n; v++)
    if (dist[v] == INT_MAX) dist[v] = -1;
}

int main(int argc, char **argv) {
  int n, m;
  if (argc != 1 || scanf("%d %d", &n, &m) != 2 || n < 1 || m < 0) {
    fprintf(stderr, "usage: %s < INPUT (n m, the edges, the sources)\n", argv[0]);
    return 2;
  }
  int *head = malloc(sizeof(int) * (size_t)n), *next = malloc(sizeof(int) * (size_t)(2 * m + 1));
  int *to = malloc(sizeof(int) * (size_t)(2 * m + 1)), *w = malloc(sizeof(int) * (size_t)(2 * m + 1));
  for (int v = 0; v < n; v++) head[v] = -1;
  for (int e = 0; e < m; e++) {
    int a, b, c;
    if (scanf("%d %d %d", &a, &b, &c) != 3) {
      fprintf(stderr, "error: expected %d edges\n", m);
      return 2;
    }
    to[2 * e] = b, w[2 * e] = c, next[2 * e] = head[a], head[a] = 2 * e;
    to[2 * e + 1] = a, w[2 * e + 1] = c, next[2 * e + 1] = head[b], head[b] = 2 * e + 1;
  }
  heap4_t heap = {0, malloc(sizeof(int) * (size_t)n), malloc(sizeof(int) * (size_t)n), NULL};
  int *dist = malloc(sizeof(int) * (size_t)n), k, source;
  if (scanf("%d", &k) != 1) return 2;
  uint64_t hash = 14695981039346656037ULL;
  for (int s = 0; s < k && scanf("%d", &source) == 1; s++) {
    quaternary_dijkstra(n, head, next, to, w, source, dist, &heap);
    for (int v = 0; v < n; v++) hash = (hash ^ (uint64_t)(int64_t)dist[v]) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)hash);
  return 0;
}
