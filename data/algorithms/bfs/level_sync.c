/* Level-synchronous breadth-first search: the current frontier and the next one are two
 * arrays swapped at each level; neighbours come from per-vertex growable arrays. */
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

ALGORITHM void bfs_levels(const vec_t *adj, int n, int source, int *dist) {
  int *frontier = checked_malloc((size_t)n * sizeof(int));
  int *next = checked_malloc((size_t)n * sizeof(int));
  memset(dist, 0xff, (size_t)n * sizeof(int));
  int size = 1, level = 0;
  frontier[0] = source;
  dist[source] = 0;
  while (size > 0) {
    int next_size = 0;
    level++;
    for (int f = 0; f < size; f++) {
      const vec_t *nb = &adj[frontier[f]];
      for (int k = 0; k < nb->len; k++) {
        int v = nb->items[k];
        if (dist[v] == -1) {
          dist[v] = level;
          next[next_size++] = v;
        }
      }
    }
    int *swap = frontier;
    frontier = next;
    next = swap;
    size = next_size;
  }
  free(frontier);
  free(next);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  vec_t *adj = calloc((size_t)g.n, sizeof *adj);
  for (int e = 0; e < g.m; e++) {
    vec_push(&adj[g.u[e]], g.v[e]);
    vec_push(&adj[g.v[e]], g.u[e]);
  }
  int *dist = checked_malloc((size_t)g.n * sizeof *dist);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    bfs_levels(adj, g.n, g.sources[s], dist);
    h = mix_ints(h, dist, g.n);
  }
  print_checksum(h);
  return 0;
}
