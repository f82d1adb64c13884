/* Word frequencies in an open-addressing hash table: SIZE words (default 30000) drawn from the
 * 1344 words of 3-5 letters over "abcd" (fixed-seed xorshift) are counted with FNV hashing
 * and linear probing; prints the distinct words and the most frequent count.
 * Foreign to the 12 classes: hashing and probing a table; nothing is ordered, searched by
 * halving, matched as a pattern, traversed as a graph or multiplied. */
#include <string.h>
#include "foreign.h"

#define SLOTS 8192

typedef struct {
  char word[8];
  long count;
} slot_t;

__attribute__((noinline)) long count_words(slot_t *table, long n, uint64_t *state, long *distinct) {
  long best = 0;
  for (long i = 0; i < n; i++) {
    char word[8];
    uint64_t r = next_random(state);
    int len = 3 + (int)(r % 3);
    r >>= 2;
    for (int k = 0; k < len; k++, r >>= 2) word[k] = (char)('a' + r % 4);
    word[len] = '\0';
    uint32_t h = 2166136261u;
    for (int k = 0; k < len; k++) h = (h ^ (unsigned char)word[k]) * 16777619u;
    uint32_t at = h & (SLOTS - 1);
    while (table[at].count > 0 && strcmp(table[at].word, word) != 0) at = (at + 1) & (SLOTS - 1);
    if (table[at].count == 0) {
      memcpy(table[at].word, word, (size_t)len + 1);
      (*distinct)++;
    }
    if (++table[at].count > best) best = table[at].count;
  }
  return best;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 30000, 100000000);
  slot_t *table = calloc(SLOTS, sizeof *table);
  uint64_t state = 0x853c49e6748fea9bULL;
  long distinct = 0;
  long best = count_words(table, n, &state, &distinct);
  printf("%ld words, %ld distinct, most frequent %ld times\n", n, distinct, best);
  free(table);
  return 0;
}
