#!/usr/bin/env bash
# usage: install_consumer.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR CC PKG_CONFIG MPIEXEC
# Installs the build into WORK_DIR/prefix and builds and runs
# examples/decay_api.c against that tree alone (see CMakeLists.txt).
set -euo pipefail
cmake=$1 build=$2 source=$3 work=$4 cc=$5 pkgconfig=$6 mpiexec=$7
# A sanitized build (-DCUBIE_SANITIZE) installs an instrumented libcubie.a:
# its consumers link the sanitizers' run-time too.
san=()
if [ -n "${CUBIE_CONSUMER_SANITIZERS:-}" ]; then san=("-fsanitize=$CUBIE_CONSUMER_SANITIZERS"); fi
prefix=$work/prefix
rm -rf "$work"
mkdir -p "$work"
fail() { echo "install_consumer: FAIL: $*" >&2; exit 1; }

"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log"
libdir=$prefix/lib
[ -d "$libdir" ] || libdir=$(dirname "$(find "$prefix" -name 'libcubie.so' | head -n 1)")
for f in "$prefix/bin/cubie" "$libdir/libcubie.so" "$libdir/libcubie.a" \
         "$prefix/include/cubie/cubie.h" "$prefix/include/cubie/cubie_mpi.h" \
         "$libdir/cmake/cubie/cubieConfig.cmake" "$libdir/pkgconfig/cubie.pc"; do
  [ -e "$f" ] || fail "not installed: $f"
done
# Only the public headers: nothing of src/ travels.
headers=$(cd "$prefix/include" && find . -type f | sort | tr '\n' ' ')
[ "$headers" = "./cubie/cubie.h ./cubie/cubie_mpi.h " ] || fail "installed headers: $headers"
# libcubie.so exports exactly what the headers declare.
declared=$(grep -ho 'CUBIE_API int [a-z_0-9]*' "$prefix"/include/cubie/*.h | awk '{print $3}' | sort)
exported=$(nm -D --defined-only "$libdir/libcubie.so" | awk '$2 ~ /^[TW]$/ {sub(/@.*/, "", $3); print $3}' | sort)
[ "$declared" = "$exported" ] || fail "exports differ from the public API:
$(diff <(echo "$declared") <(echo "$exported"))"

# The consumer sees nothing but the installed tree: a copy of examples/,
# away from the source and build trees.
cp -r "$source/examples" "$work/examples"
run_all() { # DIR PROGRAM
  (cd "$1" && "$2" memory) || fail "$2 memory"
  (cd "$1" && "$2" file "$1/decay.nc") || fail "$2 file"
  [ -s "$1/decay.nc" ] || fail "$2 file wrote no decay.nc"
  (cd "$1" && "$mpiexec" -n 2 "$2" mpi "$1/decay-mpi.nc") || fail "$2 mpi on 2 ranks"
}

echo "== find_package(cubie)"
"$cmake" -S "$work/examples" -B "$work/find" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_FLAGS="${san[*]}" -DCMAKE_EXE_LINKER_FLAGS="${san[*]}" >"$work/find.log" 2>&1 ||
  { cat "$work/find.log"; fail "configuring against the installed package"; }
"$cmake" --build "$work/find" >>"$work/find.log" 2>&1 || { cat "$work/find.log"; fail "building"; }
grep -q "$source/src" "$work/find/CMakeCache.txt" && fail "the consumer saw the source tree"
run_all "$work/find" "$work/find/decay_api"
run_all "$work/find" "$work/find/decay_api_static"

echo "== pkg-config cubie"
if [ -z "$pkgconfig" ] || [ ! -x "$pkgconfig" ]; then fail "no pkg-config"; fi
mkdir -p "$work/pc"
export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2046  # pkg-config's words are flags
"$cc" "${san[@]}" -o "$work/pc/decay_api" "$work/examples/decay_api.c" $("$pkgconfig" --cflags cubie) \
  $("$pkgconfig" --libs cubie) -lm "-Wl,-rpath,$libdir" || fail "building with pkg-config"
run_all "$work/pc" "$work/pc/decay_api"
echo "install_consumer: the installed libcubie builds and runs its consumers (find_package shared and static, pkg-config)"
