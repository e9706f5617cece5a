#ifndef TANDEM_CGLPK_SHIM_H
#define TANDEM_CGLPK_SHIM_H
#include <glpk.h>
#endif
