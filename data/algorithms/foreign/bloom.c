/* A Bloom filter: SIZE random 64-bit keys (default 4000, fixed-seed xorshift) are inserted into a
 * 32768-bit array, each setting the 6 bits h1 + i*h2 given by two FNV-1a hashes of its bytes;
 * then SIZE other keys are queried and the false positives counted (every inserted key must be
 * found). Foreign to the 12 classes: hashing to scattered bit positions, set and tested with
 * masks; nothing is ordered, searched by comparison, matched or traversed. */
#include "foreign.h"

#define BITS 32768
#define HASHES 6

/* FNV-1a over the key's 8 bytes from the given offset basis. */
static uint32_t fnv1a(uint64_t key, uint32_t hash) {
  for (int i = 0; i < 8; i++, key >>= 8) hash = (hash ^ (uint32_t)(key & 0xff)) * 16777619u;
  return hash;
}

/* Tests the key's bits and, when `insert`, sets them; returns 1 if all were set before. */
static int probe(unsigned char *bits, uint64_t key, int insert) {
  uint32_t h1 = fnv1a(key, 2166136261u), h2 = fnv1a(key, 0x5bd1e995u) | 1;
  int present = 1;
  for (uint32_t i = 0; i < HASHES; i++) {
    uint32_t at = (h1 + i * h2) % BITS;
    unsigned char mask = (unsigned char)(1u << (at & 7));
    if (!(bits[at >> 3] & mask)) present = 0;
    if (insert) bits[at >> 3] |= mask;
  }
  return present;
}

/* Inserts keys[0..n-1], then queries others[0..n-1]; returns the false positives (-1 on a miss). */
__attribute__((noinline)) long false_positives(unsigned char *bits, const uint64_t *keys,
                                               const uint64_t *others, long n) {
  for (long i = 0; i < n; i++) probe(bits, keys[i], 1);
  for (long i = 0; i < n; i++)
    if (!probe(bits, keys[i], 0)) return -1;
  long positives = 0;
  for (long i = 0; i < n; i++) positives += probe(bits, others[i], 0);
  return positives;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 4000, 10000000);
  unsigned char *bits = calloc(BITS / 8, 1);
  uint64_t *keys = malloc((size_t)n * sizeof *keys), *others = malloc((size_t)n * sizeof *others);
  uint64_t state = 0xa0761d6478bd642fULL;
  for (long i = 0; i < n; i++) keys[i] = next_random(&state);
  for (long i = 0; i < n; i++) others[i] = next_random(&state);
  long positives = false_positives(bits, keys, others, n);
  if (positives < 0) {
    fprintf(stderr, "%s: an inserted key was not found\n", argv[0]);
    return 1;
  }
  printf("%ld keys in %d bits with %d hashes: %ld of %ld other keys falsely found\n", n, BITS,
         HASHES, positives, n);
  free(bits);
  free(keys);
  free(others);
  return 0;
}
