#ifndef CARES_SHIM_H
#define CARES_SHIM_H
#include <ares.h>
#include <arpa/nameser.h>
#endif
