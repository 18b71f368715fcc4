#!/bin/bash
# The "Trace replay" comparison of docs/performance.md: a generated CSV trace of ROWS jobs
# (10 a second, 1 to 4 GPUs, 1 to 10 s runtimes, decimals with three places) replayed on two
# hubs of 100 units by least-loaded, against its synthetic twin (the same number of jobs at the
# same rate, uniform units and runtimes). Runs PAIRS pairs, trace then twin, and prints each
# pair's wall seconds and ratio, then the median ratio.
# Usage: scripts/trace-vs-synthetic.sh CNSIM_BINARY [ROWS=1000000] [PAIRS=7]
set -eu
[ $# -ge 1 ] || { echo "usage: $0 CNSIM_BINARY [ROWS] [PAIRS]" >&2; exit 2; }
bin=$(realpath "$1"); rows=${2:-1000000}; pairs=${3:-7}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
python3 - "$dir" "$rows" <<'PY'
import random, sys
d, rows = sys.argv[1], int(sys.argv[2])
r = random.Random(1)
with open(f"{d}/trace.csv", "w") as f:
    f.write("job,submit,runtime,gpus\n")
    for i in range(rows):
        f.write(f"j{i},{i / 10:.3f},{r.uniform(1, 10):.3f},{r.randint(1, 4)}\n")
world = f'duration = "{rows // 10}s"\nseed = 1\nscheduler = "least-loaded"\n'
for hub, lat in (("a", 30.0), ("b", 31.0)):
    world += f'[[hubs]]\nid = "{hub}"\nlat = {lat}\nlon = 110.0\nintelligent = 100\n'
world += '[[regions]]\nid = "r"\nlat = 30.5\nlon = 110.5\n[[classes]]\nname = "a"\npool = "intelligent"\n'
with open(f"{d}/trace.toml", "w") as f:
    f.write(world + '[[traces]]\npath = "trace.csv"\nformat = "csv"\nclass = "a"\norigin = "r"\n'
            'columns = { submit = "submit", runtime = "runtime", units = "gpus", id = "job" }\n')
with open(f"{d}/synthetic.toml", "w") as f:
    f.write(world + 'rate = "10/s"\nunits = { dist = "empirical", values = [1, 2, 3, 4] }\n'
            'runtime = { dist = "uniform", low = "1s", high = "10s" }\n')
PY
wall() { /usr/bin/time -f %e -o "$dir/t" "$bin" run "$dir/$1.toml" >/dev/null && cat "$dir/t"; }
wall trace >/dev/null; wall synthetic >/dev/null   # warm-up
for _ in $(seq "$pairs"); do
  t=$(wall trace); s=$(wall synthetic)
  echo "$t $s $(python3 -c "print(round($t / $s, 3))")"
done | tee "$dir/pairs"
echo "median trace/synthetic wall ratio: $(sort -n -k3 "$dir/pairs" | awk '{r[NR]=$3} END {print r[int((NR+1)/2)]}')"
