/* Breadth-first search written against a small queue abstraction (create, push, pop, empty
 * as separate functions) over neighbour arrays sized exactly by a degree pass. Input through
 * common.h. */
#include "../common.h"

typedef struct {
  int *slots;
  int head, tail;
} queue_t;

static void queue_reset(queue_t *q) { q->head = q->tail = 0; }
static void queue_push(queue_t *q, int v) { q->slots[q->tail++] = v; }
static int queue_pop(queue_t *q) { return q->slots[q->head++]; }
static int queue_empty(const queue_t *q) { return q->head == q->tail; }

ALGORITHM void queue_bfs(int **neighbours, const int *degree, int n, int source, int *dist,
                         queue_t *q) {
  for (int v = 0; v < n; v++) dist[v] = -1;
  queue_reset(q);
  dist[source] = 0;
  queue_push(q, source);
  while (!queue_empty(q)) {
    int u = queue_pop(q);
    for (int i = 0; i < degree[u]; i++) {
      int v = neighbours[u][i];
      if (dist[v] != -1) continue;
      dist[v] = dist[u] + 1;
      queue_push(q, v);
    }
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  int *degree = calloc((size_t)g.n, sizeof(int));
  for (int e = 0; e < g.m; e++) degree[g.u[e]]++, degree[g.v[e]]++;
  int **neighbours = checked_malloc((size_t)g.n * sizeof *neighbours);
  int *used = calloc((size_t)g.n, sizeof(int));
  for (int v = 0; v < g.n; v++) neighbours[v] = checked_malloc((size_t)degree[v] * sizeof(int));
  for (int e = 0; e < g.m; e++) {
    neighbours[g.u[e]][used[g.u[e]]++] = g.v[e];
    neighbours[g.v[e]][used[g.v[e]]++] = g.u[e];
  }
  queue_t q = {checked_malloc((size_t)g.n * sizeof(int)), 0, 0};
  int *dist = checked_malloc((size_t)g.n * sizeof(int));
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    queue_bfs(neighbours, degree, g.n, g.sources[s], dist, &q);
    h = mix_ints(h, dist, g.n);
  }
  print_checksum(h);
  return 0;
}
