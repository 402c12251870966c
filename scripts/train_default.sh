#!/usr/bin/env bash
# The command that made models/default (run from the project root; reads ../shared/data or KWAPP_DATA).
# On 2 CPU cores it took about an hour; with a GPU present, kwapp train uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m kwapp train --out "${1:-models/default}" --d-model 96 --n-layers 4 --epochs 16
