#!/bin/bash
# Process start of `mwtui --db BIG.json` until the activities table shows rows, in a real
# terminal (tmux, 80x24). Usage: bench/bench_start_tmux.sh /path/to/big.json
# (bench/make_workspaces.py DIR builds an empty and a 50k-activity workspace;
# bench/bench_store.py --open-only runs this script on both).
set -euo pipefail
db=${1:?usage: $0 WORKSPACE.json}
session=mwtui-bench-$$
here=$(cd "$(dirname "$0")/.." && pwd)
cfg=$(mktemp -d)
start=$(date +%s.%N)
MWTUI_CONFIG=$cfg/config.toml tmux new -d -s "$session" -x 80 -y 24 "$here/.venv/bin/mwtui --db $db"
until tmux capture-pane -p -t "$session" | grep -q " of .* activities"; do sleep 0.02; done
end=$(date +%s.%N)
tmux kill-session -t "$session"
rm -rf "$cfg"
echo "process start to rows on screen: $(echo "$end - $start" | bc) s (load $(cut -d' ' -f1 /proc/loadavg))"
