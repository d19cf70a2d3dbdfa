/* The tiny test program: printf through picolibc to the VP console. */
#include <stdio.h>

int main(void) {
  printf("hello from hart %d\n", 0);
  unsigned sum = 0;
  for (unsigned i = 1; i <= 100; ++i) sum += i * i;
  printf("sum of squares 1..100 = %u\n", sum);
  return sum == 338350 ? 0 : 1;
}
