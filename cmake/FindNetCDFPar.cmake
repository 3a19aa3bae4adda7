# Locate NetCDF-C built with parallel (MPI-IO through HDF5) support.
#
# Debian ships it as libnetcdf-mpi-dev: the library is libnetcdf_mpi and its
# headers live in <libdir>/netcdf/mpi/include, next to (not in) /usr/include,
# so neither its pkg-config file nor its CMake package points at them. Other
# installs (Spack, modules) usually provide libnetcdf with netcdf_par.h in
# <prefix>/include; NETCDF_DIR or CMAKE_PREFIX_PATH finds those.
#
# Defines the imported target NetCDFPar::NetCDFPar.

string(REPLACE ":" ";" _nc_env_prefixes "$ENV{CMAKE_PREFIX_PATH}")
set(_nc_prefixes ${CMAKE_PREFIX_PATH} ${_nc_env_prefixes} $ENV{NETCDF_DIR} $ENV{NETCDF_ROOT} /usr)
set(_nc_arch "${CMAKE_LIBRARY_ARCHITECTURE}")
if(NOT _nc_arch)
  set(_nc_arch "x86_64-linux-gnu")
endif()

find_path(NETCDF_PAR_INCLUDE_DIR netcdf_par.h
  HINTS ${_nc_prefixes}
  PATH_SUFFIXES lib/${_nc_arch}/netcdf/mpi/include include/netcdf/mpi include
  NO_DEFAULT_PATH)
find_path(NETCDF_PAR_INCLUDE_DIR netcdf_par.h
  PATH_SUFFIXES lib/${_nc_arch}/netcdf/mpi/include include/netcdf/mpi include)

find_library(NETCDF_PAR_LIBRARY
  NAMES netcdf_mpi netcdf
  HINTS ${_nc_prefixes}
  PATH_SUFFIXES lib/${_nc_arch} lib lib64
  NO_DEFAULT_PATH)
find_library(NETCDF_PAR_LIBRARY NAMES netcdf_mpi netcdf PATH_SUFFIXES lib/${_nc_arch})

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(NetCDFPar
  REQUIRED_VARS NETCDF_PAR_LIBRARY NETCDF_PAR_INCLUDE_DIR
  REASON_FAILURE_MESSAGE "cubie needs NetCDF-C with parallel I/O (Debian: apt-get install libnetcdf-mpi-dev)")

if(NetCDFPar_FOUND AND NOT TARGET NetCDFPar::NetCDFPar)
  add_library(NetCDFPar::NetCDFPar UNKNOWN IMPORTED)
  set_target_properties(NetCDFPar::NetCDFPar PROPERTIES
    IMPORTED_LOCATION "${NETCDF_PAR_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${NETCDF_PAR_INCLUDE_DIR}")
endif()
mark_as_advanced(NETCDF_PAR_INCLUDE_DIR NETCDF_PAR_LIBRARY)
