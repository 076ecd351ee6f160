// libumockdev (Debian's libumockdev-dev): a mock sysfs and /dev in-process, replaying recorded
// USB sessions. Tests only; they run under `umockdev-wrapper`, which preloads the mocking.
#include <umockdev.h>
