/* The page walk lives in mmu/walk.h and mmu/walk.c, for Sv39, Sv48 and Sv57 alike; this
 * header keeps the older include and names working. */
#ifndef RV39_SV39_H
#define RV39_SV39_H

#include "walk.h"

#define SV39_LEVELS 3
#define sv39_walk page_walk
#define sv39_check_leaf walk_check_leaf

#endif
