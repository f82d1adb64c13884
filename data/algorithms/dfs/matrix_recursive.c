/* Depth-first search, recursive, over a dense byte adjacency matrix: each visit scans its
 * whole row in vertex order. */
#include "../common.h"

typedef struct {
  int n;
  const unsigned char *matrix;
  unsigned char *seen;
  int *order;
  int count;
} dfs_state_t;

static void explore(dfs_state_t *st, int u) {
  st->seen[u] = 1;
  st->order[st->count++] = u;
  const unsigned char *row = st->matrix + (size_t)u * st->n;
  for (int v = 0; v < st->n; v++) {
    if (row[v] && !st->seen[v]) explore(st, v);
  }
}

ALGORITHM int dfs_matrix(const unsigned char *matrix, int n, int source, int *order) {
  dfs_state_t st = {n, matrix, calloc((size_t)n, 1), order, 0};
  explore(&st, source);
  for (int s = 0; s < n; s++)
    if (!st.seen[s]) explore(&st, s);
  free(st.seen);
  return st.count;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  unsigned char *matrix = calloc((size_t)g.n * g.n, 1);
  for (int e = 0; e < g.m; e++) {
    matrix[(size_t)g.u[e] * g.n + g.v[e]] = 1;
    matrix[(size_t)g.v[e] * g.n + g.u[e]] = 1;
  }
  int *order = checked_malloc((size_t)g.n * sizeof *order);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    int count = dfs_matrix(matrix, g.n, g.sources[s], order);
    h = mix_ints(h, order, count);
  }
  print_checksum(h);
  return 0;
}
