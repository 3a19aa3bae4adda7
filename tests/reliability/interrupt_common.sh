# shellcheck shell=bash
# Shared by kill_resume.sh and signal_resume.sh (sourced, not run):
# arguments, a reference run, and starting the job that gets interrupted.
# Sets: mpiexec npflag cubie python src work deck two[] launcher.
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
deck="$src/tests/reliability/long_lorenz.yaml"
two=("$mpiexec" "$npflag" 2)
if [ "$(nproc)" -lt 2 ]; then two+=(--oversubscribe); fi

# The uninterrupted result to compare with.
"${two[@]}" "$cubie" run "$deck" -o reference.nc -q

# Start a 2-rank job writing $1 and wait until some of its runs are on disk.
start_job() {
  local file=$1
  "${two[@]}" "$cubie" run "$deck" -o "$file" -q > run.log 2>&1 &
  # shellcheck disable=SC2034  # launcher is read by the sourcing script
  launcher=$!
  for _ in $(seq 1 300); do
    sleep 0.1
    if [ -f "$file" ] && "$python" "$src/tests/reliability/count_done.py" "$file" --at-least 2000 2>/dev/null; then
      return 0
    fi
  done
}
