#!/usr/bin/env bash
# Install kwapp's system and Python packages on a Debian/Ubuntu machine.
#   scripts/install.sh          the app
#   scripts/install.sh --test   the app and what the tests need (PulseAudio, Mosquitto, pytest)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libportaudio2 libsndfile1 fonts-noto-cjk libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0
          libfontconfig1 libdbus-1-3 libxcb-cursor0 open-jtalk open-jtalk-mecab-naist-jdic)
extras=()
if [[ "${1:-}" == "--test" ]]; then
    packages+=(pulseaudio pulseaudio-utils libasound2-plugins alsa-utils mosquitto openssl)
    extras=("[test]")
fi

sudo=""
[[ "$(id -u)" -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${packages[@]}"

# The CPU build of torch first: a plain "torch" requirement would pull a multi-GB CUDA build.
python3 -m pip install -q torch==2.13.0
python3 -m pip install -q -e ".${extras[*]:-}"
