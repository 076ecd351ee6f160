import KioskCore
import KioskStore
import KioskApp
