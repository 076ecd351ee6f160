// libcups2 from Debian (libcups2-dev). Bookworm ships no pkg-config file for it,
// so the module map links `cups` directly.
#include <cups/cups.h>
#include <cups/ipp.h>
#include <cups/http.h>
