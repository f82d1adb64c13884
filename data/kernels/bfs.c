/* Breadth-first search (GAP bfs analog): top-down BFS with a frontier queue
 * from several seeded sources over a CSR graph; prints the nodes reached and
 * a checksum of the depths.
 * Usage: bfs GRAPH SOURCES SEED */
#include "kernel.h"

int main(int argc, char **argv) {
  if (argc != 4) die("usage: bfs GRAPH SOURCES SEED");
  graph_t g = read_graph(argv[1]);
  uint64_t sources = parse_count(argv[2], "SOURCES");
  uint64_t state = parse_count(argv[3], "SEED");
  int32_t *depth = checked_malloc((size_t)g.nodes * sizeof *depth);
  uint32_t *queue = checked_malloc((size_t)g.nodes * sizeof *queue);
  uint64_t reached = 0, checksum = 0;

  for (uint64_t s = 0; s < sources; s++) {
    uint32_t source = (uint32_t)(next_random(&state) % g.nodes);
    memset(depth, 0xff, (size_t)g.nodes * sizeof *depth);
    depth[source] = 0;
    size_t head = 0, tail = 0;
    queue[tail++] = source;
    while (head < tail) {
      uint32_t u = queue[head++];
      for (uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; e++) {
        uint32_t v = g.targets[e];
        if (depth[v] < 0) {
          depth[v] = depth[u] + 1;
          queue[tail++] = v;
        }
      }
    }
    reached += tail;
    for (uint32_t v = 0; v < g.nodes; v++) checksum += (uint64_t)(depth[v] + 1) * (v & 7);
  }
  printf("bfs: %llu sources, %llu nodes reached, checksum %llu\n", (unsigned long long)sources,
         (unsigned long long)reached, (unsigned long long)checksum);
  return 0;
}
