// glibc's adjtimex(2): whether the kernel's clock is synchronised (NTP), for `kiosk doctor`.
#include <sys/timex.h>
