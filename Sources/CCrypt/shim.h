// libxcrypt (Debian's libcrypt): yescrypt and other slow password hashes.
#include <crypt.h>
