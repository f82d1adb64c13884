/* Depth-first search with an explicit stack: pop a vertex, skip it if seen, otherwise visit it
 * and push its neighbours in reverse so the smallest is popped first. */
#include "../common.h"

typedef struct {
  int *items;
  int len, cap;
} vec_t;

static void vec_push(vec_t *v, int x) {
  if (v->len == v->cap) {
    v->cap = v->cap ? 2 * v->cap : 4;
    v->items = realloc(v->items, (size_t)v->cap * sizeof(int));
  }
  v->items[v->len++] = x;
}

ALGORITHM int dfs_stack(const vec_t *adj, int n, int source, int *order) {
  unsigned char *seen = calloc((size_t)n, 1);
  vec_t stack = {NULL, 0, 0};
  int count = 0;
  for (int i = -1; i < n; i++) {
    int s = i < 0 ? source : i; /* the source first, then every unvisited vertex */
    if (seen[s]) continue;
    vec_push(&stack, s);
    while (stack.len > 0) {
      int u = stack.items[--stack.len];
      if (seen[u]) continue;
      seen[u] = 1;
      order[count++] = u;
      for (int k = adj[u].len - 1; k >= 0; k--) {
        if (!seen[adj[u].items[k]]) vec_push(&stack, adj[u].items[k]);
      }
    }
  }
  free(stack.items);
  free(seen);
  return count;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  vec_t *adj = calloc((size_t)g.n, sizeof *adj);
  for (int e = 0; e < g.m; e++) {
    vec_push(&adj[g.u[e]], g.v[e]);
    vec_push(&adj[g.v[e]], g.u[e]);
  }
  int *order = checked_malloc((size_t)g.n * sizeof *order);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    int count = dfs_stack(adj, g.n, g.sources[s], order);
    h = mix_ints(h, order, count);
  }
  print_checksum(h);
  return 0;
}
