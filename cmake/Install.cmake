# What `cmake --install` puts where: the `cubie` command, libcubie (shared
# and static), the public headers (include/cubie/), a CMake package
# (find_package(cubie) -> cubie::cubie, cubie::cubie_static) and a
# pkg-config file (cubie.pc). docs/api.md describes using them.
include(CMakePackageConfigHelpers)

set(CUBIE_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/cubie")

install(TARGETS cubie RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS cubie_shared cubie_lib EXPORT cubieTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES include/cubie/cubie.h include/cubie/cubie_mpi.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cubie)
install(EXPORT cubieTargets NAMESPACE cubie:: DESTINATION ${CUBIE_CMAKE_DIR})
configure_package_config_file(cmake/cubieConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/cubieConfig.cmake" INSTALL_DESTINATION ${CUBIE_CMAKE_DIR})
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/cubieConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
# The static library's dependencies are found again by the consumer;
# FindNetCDFPar.cmake travels with the package for that.
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/cubieConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/cubieConfigVersion.cmake"
              cmake/FindNetCDFPar.cmake
        DESTINATION ${CUBIE_CMAKE_DIR})

# pkg-config: the shared library by default, --static adds what libcubie.a
# needs. MPI's flags are in Cflags/Libs because cubie_mpi.h takes MPI_Comm.
set(CUBIE_PC_MPI_CFLAGS "")
foreach(dir IN LISTS MPI_C_INCLUDE_DIRS)
  string(APPEND CUBIE_PC_MPI_CFLAGS " -I${dir}")
endforeach()
set(CUBIE_PC_MPI_LIBS "")
foreach(lib IN LISTS MPI_C_LIBRARIES)
  string(APPEND CUBIE_PC_MPI_LIBS " ${lib}")
endforeach()
get_target_property(_nc_lib NetCDFPar::NetCDFPar IMPORTED_LOCATION)
set(CUBIE_PC_PRIVATE_LIBS "${_nc_lib}")
foreach(lib IN LISTS YAML_LINK_LIBRARIES)
  string(APPEND CUBIE_PC_PRIVATE_LIBS " ${lib}")
endforeach()
string(APPEND CUBIE_PC_PRIVATE_LIBS " -lpthread -l${CMAKE_DL_LIBS} -lm")
# Relocatable: the prefix is found from where cubie.pc lies, so
# `cmake --install --prefix DIR` gives a working file in DIR too.
file(RELATIVE_PATH CUBIE_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" CUBIE_PC_TO_PREFIX "${CUBIE_PC_TO_PREFIX}")
configure_file(cmake/cubie.pc.in "${CMAKE_CURRENT_BINARY_DIR}/cubie.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/cubie.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
