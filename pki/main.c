/* PLACEHOLDER: replaced by its owner before this lands. */
#include <stdio.h>
int main(void) { fputs("chưa có\n", stderr); return 1; }
