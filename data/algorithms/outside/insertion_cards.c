/* Shuffles a shoe of several 52-card decks (Fisher-Yates with Knuth's 64-bit MMIX linear
 * congruential generator, seed 99) and puts it back in order by suit and rank with an insertion
 * sort on card structs, which keeps equal cards in shuffled order (stable); prints a digest of
 * the deck each card came from.  Usage: insertion_cards [DECKS]   (default 8) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  unsigned char suit, rank, deck;
} card;

static uint64_t mmix = 99;

static uint32_t next_u32(void) {
  mmix = mmix * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(mmix >> 33);
}

static int before(const card *x, const card *y) {
  return x->suit != y->suit ? x->suit < y->suit : x->rank < y->rank;
}

static void sort_shoe(card *shoe, int count) {
  for (int i = 1; i < count; i++) {
    card c = shoe[i];
    int j = i;
    while (j > 0 && before(&c, &shoe[j - 1])) {
      shoe[j] = shoe[j - 1];
      j--;
    }
    shoe[j] = c;
  }
}

int main(int argc, char **argv) {
  int decks = argc > 1 ? atoi(argv[1]) : 8;
  if (argc > 2 || decks < 1 || decks > 255) {
    fprintf(stderr, "usage: %s [DECKS] (1..255)\n", argv[0]);
    return 2;
  }
  int count = 52 * decks;
  card *shoe = malloc(sizeof(card) * (size_t)count);
  for (int i = 0; i < count; i++) {
    shoe[i].deck = (unsigned char)(i / 52);
    shoe[i].suit = (unsigned char)(i % 52 / 13);
    shoe[i].rank = (unsigned char)(i % 13);
  }
  for (int i = count - 1; i > 0; i--) {
    int j = (int)(next_u32() % (uint32_t)(i + 1));
    card t = shoe[i];
    shoe[i] = shoe[j];
    shoe[j] = t;
  }
  sort_shoe(shoe, count);
  uint32_t digest = 0;
  for (int i = 0; i < count; i++) digest = digest * 31u + shoe[i].deck;
  printf("%d cards in order; first suit %d rank %d, deck digest %u\n", count, shoe[0].suit,
         shoe[0].rank, digest);
  free(shoe);
  return 0;
}
