// glibc's allocator controls (malloc_trim), which the Glibc module leaves out.
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
