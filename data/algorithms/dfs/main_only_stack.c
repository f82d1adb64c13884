/* Depth-first search written entirely in main: CSR arrays built inline, and an explicit stack
 * of (vertex, next arc index) pairs that mimics the recursion. Input through common.h. */
#include "../common.h"

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  int *offset = calloc((size_t)g.n + 1, sizeof(int));
  for (int e = 0; e < g.m; e++) offset[g.u[e] + 1]++, offset[g.v[e] + 1]++;
  for (int v = 0; v < g.n; v++) offset[v + 1] += offset[v];
  int *arcs = checked_malloc((size_t)g.m * 2 * sizeof(int));
  int *cursor = checked_malloc((size_t)g.n * sizeof(int));
  memcpy(cursor, offset, (size_t)g.n * sizeof(int));
  for (int e = 0; e < g.m; e++) {
    arcs[cursor[g.u[e]]++] = g.v[e];
    arcs[cursor[g.v[e]]++] = g.u[e];
  }
  int *stack_vertex = checked_malloc((size_t)g.n * sizeof(int));
  int *stack_arc = checked_malloc((size_t)g.n * sizeof(int));
  char *seen = checked_malloc((size_t)g.n);
  int *order = checked_malloc((size_t)g.n * sizeof(int));
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    memset(seen, 0, (size_t)g.n);
    int count = 0;
    for (int r = -1; r < g.n; r++) {
      int root = r < 0 ? g.sources[s] : r;
      if (seen[root]) continue;
      int depth = 0;
      seen[root] = 1;
      order[count++] = root;
      stack_vertex[0] = root;
      stack_arc[0] = offset[root];
      depth = 1;
      while (depth > 0) {
        int v = stack_vertex[depth - 1];
        int i = stack_arc[depth - 1];
        while (i < offset[v + 1] && seen[arcs[i]]) i++;
        if (i == offset[v + 1]) {
          depth--;
          continue;
        }
        stack_arc[depth - 1] = i + 1;
        int w = arcs[i];
        seen[w] = 1;
        order[count++] = w;
        stack_vertex[depth] = w;
        stack_arc[depth] = offset[w];
        depth++;
      }
    }
    h = mix_ints(h, order, count);
  }
  print_checksum(h);
  return 0;
}
