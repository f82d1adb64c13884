/* Depth-first search in the textbook form with white/gray/black colours (gray while a vertex
 * is on the recursion stack) over a CSR graph in a struct. The file is read with fopen/fscanf
 * (no common.h).  Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum colour { WHITE, GRAY, BLACK };

typedef struct {
  int vertices;
  int *start;     /* arcs of v: adj[start[v]] .. adj[start[v + 1] - 1] */
  int *adj;
  enum colour *colour;
} graph_t;

static void dfs_visit(graph_t *g, int u, int *order, int *count) {
  g->colour[u] = GRAY;
  order[(*count)++] = u;
  for (int i = g->start[u]; i < g->start[u + 1]; i++) {
    if (g->colour[g->adj[i]] == WHITE) dfs_visit(g, g->adj[i], order, count);
  }
  g->colour[u] = BLACK;
}

__attribute__((noinline)) int coloured_dfs(graph_t *g, int source, int *order) {
  int count = 0;
  for (int v = 0; v < g->vertices; v++) g->colour[v] = WHITE;
  dfs_visit(g, source, order, &count);
  for (int v = 0; v < g->vertices; v++)
    if (g->colour[v] == WHITE) dfs_visit(g, v, order, &count);
  return count;
}

int main(int argc, char **argv) {
  FILE *in = argc == 2 ? fopen(argv[1], "r") : NULL;
  if (!in) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable file)\n", argv[0]);
    return 2;
  }
  graph_t g;
  int m;
  if (fscanf(in, "%d %d", &g.vertices, &m) != 2) {
    fprintf(stderr, "error: %s does not start with n and m\n", argv[1]);
    return 2;
  }
  int n = g.vertices;
  int *eu = malloc(sizeof(int) * (size_t)m), *ev = malloc(sizeof(int) * (size_t)m);
  g.start = calloc((size_t)n + 1, sizeof(int));
  for (int e = 0; e < m; e++) {
    int w;
    if (fscanf(in, "%d %d %d", &eu[e], &ev[e], &w) != 3) {
      fprintf(stderr, "error: %s holds fewer than %d edges\n", argv[1], m);
      return 2;
    }
    g.start[eu[e] + 1]++;
    g.start[ev[e] + 1]++;
  }
  for (int v = 0; v < n; v++) g.start[v + 1] += g.start[v];
  g.adj = malloc(sizeof(int) * (size_t)(2 * m));
  int *pos = malloc(sizeof(int) * (size_t)n);
  for (int v = 0; v < n; v++) pos[v] = g.start[v];
  /* The edges are sorted by (u, v), so every list comes out ascending. */
  for (int e = 0; e < m; e++) {
    g.adj[pos[eu[e]]++] = ev[e];
    g.adj[pos[ev[e]]++] = eu[e];
  }
  g.colour = malloc(sizeof(enum colour) * (size_t)n);
  int k, source, *order = malloc(sizeof(int) * (size_t)n);
  if (fscanf(in, "%d", &k) != 1) return 2;
  uint64_t h = 14695981039346656037ULL;
  for (int s = 0; s < k && fscanf(in, "%d", &source) == 1; s++) {
    int count = coloured_dfs(&g, source, order);
    for (int i = 0; i < count; i++) h = (h ^ (uint64_t)(int64_t)order[i]) * 1099511628211ULL;
  }
  fclose(in);
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
