/* Depth-first search, recursive, over forward-star arrays (head, next and target per arc, as
 * in competitive programming); the arcs are added in reverse edge order so that every vertex
 * lists its neighbours ascending. Edges from standard input (scanf), no common.h.
 * Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int *head, *next_arc, *target, *visited, *order, count;

static void visit(int u) {
  visited[u] = 1;
  order[count++] = u;
  for (int a = head[u]; a != -1; a = next_arc[a])
    if (!visited[target[a]]) visit(target[a]);
}

__attribute__((noinline)) void star_dfs(int n, int source) {
  memset(visited, 0, sizeof(int) * (size_t)n);
  count = 0;
  visit(source);
  for (int v = 0; v < n; v++)
    if (!visited[v]) visit(v);
}

int main(int argc, char **argv) {
  int n, m;
  if (argc != 1 || scanf("%d%d", &n, &m) != 2 || n < 1 || m < 0) {
    fprintf(stderr, "usage: %s < INPUT (n m, the edges, the sources)\n", argv[0]);
    return 2;
  }
  int *eu = malloc(sizeof(int) * (size_t)(m + 1)), *ev = malloc(sizeof(int) * (size_t)(m + 1));
  for (int e = 0; e < m; e++) {
    int w;
    if (scanf("%d%d%d", &eu[e], &ev[e], &w) != 3) {
      fprintf(stderr, "error: expected %d edges\n", m);
      return 2;
    }
  }
  head = malloc(sizeof(int) * (size_t)n);
  next_arc = malloc(sizeof(int) * (size_t)(2 * m + 1));
  target = malloc(sizeof(int) * (size_t)(2 * m + 1));
  visited = malloc(sizeof(int) * (size_t)n);
  order = malloc(sizeof(int) * (size_t)n);
  memset(head, -1, sizeof(int) * (size_t)n);
  int arcs = 0;
  for (int e = m - 1; e >= 0; e--) {
    target[arcs] = eu[e], next_arc[arcs] = head[ev[e]], head[ev[e]] = arcs++;
    target[arcs] = ev[e], next_arc[arcs] = head[eu[e]], head[eu[e]] = arcs++;
  }
  int k, source;
  if (scanf("%d", &k) != 1) return 2;
  uint64_t h = 14695981039346656037ULL;
  while (k-- > 0 && scanf("%d", &source) == 1) {
    star_dfs(n, source);
    for (int i = 0; i < count; i++) h = (h ^ (uint64_t)(int64_t)order[i]) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
