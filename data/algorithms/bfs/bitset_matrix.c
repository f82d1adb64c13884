/* Breadth-first search over a bit-matrix adjacency: each row is a bitset of neighbours, the
 * unvisited set is a bitset too, and a row AND unvisited gives the new vertices word by word. */
#include "../common.h"

ALGORITHM void bfs_bitsets(const uint64_t *rows, int n, int source, int *dist) {
  int words = (n + 63) / 64;
  uint64_t *unvisited = checked_malloc((size_t)words * sizeof(uint64_t));
  int *queue = checked_malloc((size_t)n * sizeof(int));
  for (int w = 0; w < words; w++) unvisited[w] = ~0ULL;
  if (n % 64) unvisited[words - 1] = (1ULL << (n % 64)) - 1;
  for (int i = 0; i < n; i++) dist[i] = -1;
  unvisited[source / 64] &= ~(1ULL << (source % 64));
  dist[source] = 0;
  int head = 0, tail = 0;
  queue[tail++] = source;
  while (head < tail) {
    int u = queue[head++];
    const uint64_t *row = rows + (size_t)u * words;
    for (int w = 0; w < words; w++) {
      uint64_t fresh = row[w] & unvisited[w];
      unvisited[w] &= ~fresh;
      while (fresh) {
        int v = w * 64 + __builtin_ctzll(fresh);
        fresh &= fresh - 1;
        dist[v] = dist[u] + 1;
        queue[tail++] = v;
      }
    }
  }
  free(unvisited);
  free(queue);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  int words = (g.n + 63) / 64;
  uint64_t *rows = calloc((size_t)g.n * words, sizeof(uint64_t));
  for (int e = 0; e < g.m; e++) {
    rows[(size_t)g.u[e] * words + g.v[e] / 64] |= 1ULL << (g.v[e] % 64);
    rows[(size_t)g.v[e] * words + g.u[e] / 64] |= 1ULL << (g.u[e] % 64);
  }
  int *dist = checked_malloc((size_t)g.n * sizeof *dist);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    bfs_bitsets(rows, g.n, g.sources[s], dist);
    h = mix_ints(h, dist, g.n);
  }
  print_checksum(h);
  return 0;
}
