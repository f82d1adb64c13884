/* Shared helpers of the suite's C kernels: a seeded generator, checked
 * argument parsing, and the CSR graph reader (format: see
 * lib/workloads/generators/graph.ts). */
#ifndef NCF_KERNEL_H
#define NCF_KERNEL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: tiny, seedable, good enough to shuffle and draw keys. */
static inline uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline void die(const char *message) {
  fprintf(stderr, "error: %s\n", message);
  exit(2);
}

/* A non-negative integer argument, or exit with a message naming it. */
static inline uint64_t parse_count(const char *text, const char *name) {
  char *end;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 10);
  if (errno || *end || text[0] == '-' || end == text) {
    fprintf(stderr, "error: %s must be a non-negative integer, got '%s'\n", name, text);
    exit(2);
  }
  return value;
}

static inline void *checked_malloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) die("out of memory");
  return p;
}

typedef struct {
  uint32_t nodes;
  uint32_t edges;
  uint32_t *offsets; /* nodes + 1 */
  uint32_t *targets; /* edges */
} graph_t;

static inline graph_t read_graph(const char *path) {
  graph_t g;
  char magic[8];
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "error: cannot open graph %s: %s\n", path, strerror(errno));
    exit(2);
  }
  if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "NCFGRAPH", 8) != 0) die("not an NCFGRAPH file");
  if (fread(&g.nodes, 4, 1, f) != 1 || fread(&g.edges, 4, 1, f) != 1) die("truncated graph header");
  g.offsets = checked_malloc(((size_t)g.nodes + 1) * 4);
  g.targets = checked_malloc((size_t)g.edges * 4);
  if (fread(g.offsets, 4, (size_t)g.nodes + 1, f) != (size_t)g.nodes + 1 ||
      fread(g.targets, 4, g.edges, f) != g.edges)
    die("truncated graph");
  fclose(f);
  if (g.offsets[g.nodes] != g.edges) die("graph offsets do not match the edge count");
  return g;
}

#endif
