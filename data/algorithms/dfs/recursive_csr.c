/* Depth-first search, recursive, over a CSR graph (neighbours in ascending order); records
 * the preorder from a source, then from each unvisited vertex in ascending order. */
#include "../common.h"

typedef struct {
  int n;
  int *offsets;
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
  /* Edges come sorted with u < v, so every row fills in ascending order. */
  for (int e = 0; e < g->m; e++) {
    c.targets[fill[g->u[e]]++] = g->v[e];
    c.targets[fill[g->v[e]]++] = g->u[e];
  }
  free(fill);
  return c;
}

static void visit(const csr_t *g, int u, char *seen, int *order, int *count) {
  seen[u] = 1;
  order[(*count)++] = u;
  for (int e = g->offsets[u]; e < g->offsets[u + 1]; e++) {
    if (!seen[g->targets[e]]) visit(g, g->targets[e], seen, order, count);
  }
}

ALGORITHM int dfs_preorder(const csr_t *g, int source, int *order) {
  char *seen = calloc((size_t)g->n, 1);
  int count = 0;
  visit(g, source, seen, order, &count);
  for (int s = 0; s < g->n; s++)
    if (!seen[s]) visit(g, s, seen, order, &count);
  free(seen);
  return count;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t edges = read_edges(&in);
  csr_t g = build_csr(&edges);
  int *order = checked_malloc((size_t)g.n * sizeof *order);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < edges.k; s++) {
    int count = dfs_preorder(&g, edges.sources[s], order);
    h = mix_ints(h, order, count);
  }
  print_checksum(h);
  return 0;
}
