// libusb-1.0 from Debian (libusb-1.0-0-dev): user-space USB for the fingerprint readers.
#include <libusb.h>
