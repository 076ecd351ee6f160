// Pango (text layout with HarfBuzz shaping and fontconfig) drawing through cairo,
// and cairo's PDF surface. From Debian: libpango1.0-dev, libcairo2-dev.
#include <pango/pangocairo.h>
#include <cairo.h>
#include <cairo-pdf.h>
