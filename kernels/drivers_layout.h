/* drivers_layout.h — the shape of the driver table, shared by the kernels
 * (drivers.h reads it) and the host (src/plan/driver_table.c builds it):
 * a record of CUBIE_DRIVER_RECORD doubles per series (t0, dt, number of
 * samples, where its data starts), then the data. Names only. */
#ifndef CUBIE_DRIVERS_LAYOUT_H
#define CUBIE_DRIVERS_LAYOUT_H

#define CUBIE_DRIVER_RECORD 4
/* Tables up to this many bytes go to constant memory on the device. */
#define CUBIE_DRIVER_CONSTANT_LIMIT 49152

#endif
