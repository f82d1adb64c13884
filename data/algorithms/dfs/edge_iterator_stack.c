/* Depth-first search that simulates recursion: a stack of frames, each a vertex and a pointer
 * to its next unexplored arc in a linked adjacency list (kept in ascending order). */
#include "../common.h"

typedef struct arc {
  int to;
  struct arc *next;
} arc_t;

typedef struct {
  int vertex;
  arc_t *next_arc;
} frame_t;

ALGORITHM int dfs_frames(arc_t **heads, int n, int source, int *order) {
  char *seen = calloc((size_t)n, 1);
  frame_t *frames = checked_malloc((size_t)n * sizeof *frames);
  int count = 0;
  for (int root = -1; root < n; root++) {
    int s = root < 0 ? source : root; /* the source first, then every unvisited vertex */
    if (seen[s]) continue;
    int depth = 0;
    seen[s] = 1;
    order[count++] = s;
    frames[depth].vertex = s;
    frames[depth].next_arc = heads[s];
    depth++;
    while (depth > 0) {
      frame_t *top = &frames[depth - 1];
      arc_t *a = top->next_arc;
      while (a && seen[a->to]) a = a->next;
      if (!a) {
        depth--;
        continue;
      }
      top->next_arc = a->next;
      seen[a->to] = 1;
      order[count++] = a->to;
      frames[depth].vertex = a->to;
      frames[depth].next_arc = heads[a->to];
      depth++;
    }
  }
  free(frames);
  free(seen);
  return count;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  arc_t **heads = calloc((size_t)g.n, sizeof *heads);
  arc_t *pool = checked_malloc((size_t)g.m * 2 * sizeof *pool);
  int used = 0;
  /* Prepending while walking the sorted edges backwards leaves every list ascending. */
  for (int e = g.m - 1; e >= 0; e--) {
    arc_t *a = &pool[used++];
    a->to = g.u[e];
    a->next = heads[g.v[e]];
    heads[g.v[e]] = a;
    arc_t *b = &pool[used++];
    b->to = g.v[e];
    b->next = heads[g.u[e]];
    heads[g.u[e]] = b;
  }
  int *order = checked_malloc((size_t)g.n * sizeof *order);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    int count = dfs_frames(heads, g.n, g.sources[s], order);
    h = mix_ints(h, order, count);
  }
  print_checksum(h);
  return 0;
}
