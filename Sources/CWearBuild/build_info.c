#include "wear_build.h"

#ifndef WEAR_GIT_COMMIT
#define WEAR_GIT_COMMIT "unknown"
#endif

const char *wear_build_commit(void) { return WEAR_GIT_COMMIT; }
