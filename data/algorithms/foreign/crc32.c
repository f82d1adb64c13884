/* CRC-32 (IEEE 802.3, reflected, bit by bit without a table) of SIZE bytes (default 50000) from a
 * fixed-seed xorshift generator. Foreign to the 12 classes: a bit-serial checksum whose inner
 * branch follows the bits of the data; one pass, no comparisons between elements. */
#include "foreign.h"

__attribute__((noinline)) uint32_t crc32_bitwise(const unsigned char *data, long n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (long i = 0; i < n; i++) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; bit++) {
      if (crc & 1) crc = (crc >> 1) ^ 0xEDB88320u;
      else crc >>= 1;
    }
  }
  return ~crc;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 50000, 100000000);
  unsigned char *data = malloc((size_t)n);
  if (!data) {
    fprintf(stderr, "%s: out of memory\n", argv[0]);
    return 1;
  }
  uint64_t state = 0x9E3779B97F4A7C15u;
  for (long i = 0; i < n; i++) data[i] = (unsigned char)(next_random(&state) >> 56);
  printf("crc32 of %ld bytes: %08x\n", n, (unsigned)crc32_bitwise(data, n));
  free(data);
  return 0;
}
