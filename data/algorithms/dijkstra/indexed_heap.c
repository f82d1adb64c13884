/* Dijkstra's algorithm with an indexed binary heap (decrease-key through a position table)
 * over linked adjacency lists. */
#include "../common.h"

typedef struct arc {
  int to, weight;
  struct arc *next;
} arc_t;

typedef struct {
  int *heap;     /* vertices */
  int *position; /* vertex -> slot in heap, -1 when absent */
  long long *key;
  int size;
} pq_t;

static void place(pq_t *q, int slot, int vertex) {
  q->heap[slot] = vertex;
  q->position[vertex] = slot;
}

static void sift_up(pq_t *q, int slot) {
  int vertex = q->heap[slot];
  while (slot > 0) {
    int parent = (slot - 1) >> 1;
    if (q->key[q->heap[parent]] <= q->key[vertex]) break;
    place(q, slot, q->heap[parent]);
    slot = parent;
  }
  place(q, slot, vertex);
}

static void sift_down(pq_t *q, int slot) {
  int vertex = q->heap[slot];
  for (;;) {
    int child = 2 * slot + 1;
    if (child >= q->size) break;
    if (child + 1 < q->size && q->key[q->heap[child + 1]] < q->key[q->heap[child]]) child++;
    if (q->key[q->heap[child]] >= q->key[vertex]) break;
    place(q, slot, q->heap[child]);
    slot = child;
  }
  place(q, slot, vertex);
}

ALGORITHM void dijkstra_indexed(arc_t **adj, int n, int source, long long *dist) {
  pq_t q = {checked_malloc((size_t)n * sizeof(int)), checked_malloc((size_t)n * sizeof(int)),
            dist, 0};
  for (int i = 0; i < n; i++) {
    dist[i] = -1;
    q.position[i] = -1;
  }
  dist[source] = 0;
  place(&q, q.size++, source);
  while (q.size > 0) {
    int u = q.heap[0];
    q.position[u] = -2; /* settled */
    if (--q.size > 0) {
      place(&q, 0, q.heap[q.size]);
      sift_down(&q, 0);
    }
    for (arc_t *a = adj[u]; a; a = a->next) {
      if (q.position[a->to] == -2) continue;
      long long nd = dist[u] + a->weight;
      if (q.position[a->to] == -1) {
        dist[a->to] = nd;
        place(&q, q.size, a->to);
        sift_up(&q, q.size++);
      } else if (nd < dist[a->to]) {
        dist[a->to] = nd;
        sift_up(&q, q.position[a->to]);
      }
    }
  }
  free(q.heap);
  free(q.position);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  arc_t **adj = calloc((size_t)g.n, sizeof *adj);
  arc_t *pool = checked_malloc((size_t)g.m * 2 * sizeof *pool);
  for (int e = 0; e < g.m; e++) {
    arc_t *a = &pool[2 * e], *b = &pool[2 * e + 1];
    a->to = g.v[e];
    a->weight = g.w[e];
    a->next = adj[g.u[e]];
    adj[g.u[e]] = a;
    b->to = g.u[e];
    b->weight = g.w[e];
    b->next = adj[g.v[e]];
    adj[g.v[e]] = b;
  }
  long long *dist = checked_malloc((size_t)g.n * sizeof *dist);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    dijkstra_indexed(adj, g.n, g.sources[s], dist);
    for (int i = 0; i < g.n; i++) h = mix(h, dist[i]);
  }
  print_checksum(h);
  return 0;
}
