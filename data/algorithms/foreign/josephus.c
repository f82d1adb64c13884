/* The Josephus problem: SIZE games (default 12), each with a random number of people (500..1999)
 * in a circle and a random step k (2..17) (fixed-seed xorshift), are played on a circular singly
 * linked list of malloc'd nodes, every k-th person being unlinked and freed until one is left;
 * the survivors are checked against the recurrence J(n) = (J(n-1) + k) mod n and summed.
 * Foreign to the 12 classes: pointer chasing round a ring that shrinks as nodes are freed; no
 * array is sorted or searched and no graph is traversed. */
#include "foreign.h"

typedef struct person {
  long number;
  struct person *next;
} person_t;

/* Plays one game; returns the 0-based position of the survivor. */
static long play(long n, long k) {
  person_t *last = NULL, *first = NULL;
  for (long i = 0; i < n; i++) {
    person_t *p = malloc(sizeof *p);
    if (!p) {
      fputs("josephus: out of memory\n", stderr);
      exit(1);
    }
    p->number = i;
    if (last) last->next = p;
    else first = p;
    last = p;
  }
  last->next = first; /* close the circle; `last` precedes the next person to count */
  while (last->next != last) {
    for (long step = 1; step < k; step++) last = last->next;
    person_t *out = last->next;
    last->next = out->next;
    free(out);
  }
  long survivor = last->number;
  free(last);
  return survivor;
}

__attribute__((noinline)) long play_games(const long *people, const long *step, long games) {
  long sum = 0;
  for (long g = 0; g < games; g++) sum += play(people[g], step[g]);
  return sum;
}

int main(int argc, char **argv) {
  long games = size_argument(argc, argv, 12, 1000000);
  long *people = malloc((size_t)games * sizeof(long)), *step = malloc((size_t)games * sizeof(long));
  uint64_t state = 0x3c6ef372fe94f82bULL;
  long expected = 0;
  for (long g = 0; g < games; g++) {
    people[g] = 500 + (long)(next_random(&state) % 1500);
    step[g] = 2 + (long)(next_random(&state) % 16);
    long j = 0;
    for (long m = 2; m <= people[g]; m++) j = (j + step[g]) % m;
    expected += j;
  }
  long sum = play_games(people, step, games);
  if (sum != expected) {
    fprintf(stderr, "%s: the survivors differ from the recurrence\n", argv[0]);
    return 1;
  }
  printf("%ld games: survivors' positions sum to %ld\n", games, sum);
  free(people);
  free(step);
  return 0;
}
