#!/usr/bin/env bash
# The commands that made models/default (run from the project root; reads ../shared/data or KWAPP_DATA).
# Stage 1 trains on single 1 s clips (about 50 min on 2 CPU cores). Stage 2 continues with half of the
# batches made of two clips back to back (about 20 min). That teaches the streaming model to let go of
# a keyword once it has passed. kwapp train uses a GPU when one is present.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-models/default}"
python3 -m kwapp train --out runs/stage1 --d-model 96 --n-layers 4 --epochs 16 --pair-share 0
python3 -m kwapp train --out "$out" --d-model 96 --n-layers 4 --epochs 4 --lr 1e-3 --init runs/stage1 --pair-share 0.5
