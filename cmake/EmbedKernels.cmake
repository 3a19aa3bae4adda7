# Turn the kernel files (kernels/*.h, kernels/*.def and the generated list
# macros) into a C table (name, text) compiled into libcubie.
# Invoked as a script: cmake -DOUTPUT=... -DHEADERS="a.h;b.def" -P EmbedKernels.cmake
# Files are named by their base name, as the kernels' quoted includes name
# them. Bytes are written as hex so no string-literal length limit applies.

set(_out "/* Generated at build time from the kernels folder. Do not edit. */\n")
string(APPEND _out "#include \"kernel/kernel_files.h\"\n\n")
set(_table "")
set(_i 0)
list(SORT HEADERS)
foreach(_h IN LISTS HEADERS)
  get_filename_component(_name "${_h}" NAME)
  file(READ "${_h}" _hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _hex "${_hex}")
  string(APPEND _out "static const char kernel_file_${_i}[] = {${_hex}0x00};\n")
  string(APPEND _table "  {\"${_name}\", kernel_file_${_i}},\n")
  math(EXPR _i "${_i} + 1")
endforeach()
string(APPEND _out "\nconst cubie_kernel_file cubie_kernel_files[] = {\n${_table}  {0, 0}\n};\n")
file(WRITE "${OUTPUT}.tmp" "${_out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
