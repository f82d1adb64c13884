/* Breadth-first search over a compressed sparse row graph with an array queue (head/tail). */
#include "../common.h"

typedef struct {
  int n;
  int *offsets; /* n + 1 */
  int *targets;
} csr_t;

static csr_t build_csr(const edges_t *g) {
  csr_t c = {g->n, calloc((size_t)g->n + 1, sizeof(int)), malloc((size_t)g->m * 2 * sizeof(int))};
  for (int e = 0; e < g->m; e++) {
    c.offsets[g->u[e] + 1]++;
    c.offsets[g->v[e] + 1]++;
  }
  for (int i = 0; i < g->n; i++) c.offsets[i + 1] += c.offsets[i];
  int *fill = malloc((size_t)g->n * sizeof(int));
  memcpy(fill, c.offsets, (size_t)g->n * sizeof(int));
  for (int e = 0; e < g->m; e++) {
    c.targets[fill[g->u[e]]++] = g->v[e];
    c.targets[fill[g->v[e]]++] = g->u[e];
  }
  free(fill);
  return c;
}

ALGORITHM void bfs(const csr_t *g, int source, int *dist) {
  int *queue = checked_malloc((size_t)g->n * sizeof *queue);
  for (int i = 0; i < g->n; i++) dist[i] = -1;
  int head = 0, tail = 0;
  dist[source] = 0;
  queue[tail++] = source;
  while (head < tail) {
    int u = queue[head++];
    for (int e = g->offsets[u]; e < g->offsets[u + 1]; e++) {
      int v = g->targets[e];
      if (dist[v] < 0) {
        dist[v] = dist[u] + 1;
        queue[tail++] = v;
      }
    }
  }
  free(queue);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t edges = read_edges(&in);
  csr_t g = build_csr(&edges);
  int *dist = checked_malloc((size_t)g.n * sizeof *dist);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < edges.k; s++) {
    bfs(&g, edges.sources[s], dist);
    h = mix_ints(h, dist, edges.n);
  }
  print_checksum(h);
  return 0;
}
