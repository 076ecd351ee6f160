#!/usr/bin/env bash
# Makes the English announcement clips of Kiosk/assets/audio/phrases.json with espeak-ng, one
# WAV per entry, into Kiosk/assets/audio/en/. (espeak-ng has no Mongolian voice: the Mongolian
# set is recorded by the office; see "about" in phrases.json.) Skips work when up to date.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AUDIO="$ROOT/Kiosk/assets/audio"
OUT="$AUDIO/en"
if [ -f "$OUT/.made" ] && [ "$OUT/.made" -nt "$AUDIO/phrases.json" ]; then exit 0; fi
mkdir -p "$OUT"
/usr/bin/python3 - "$AUDIO/phrases.json" "$OUT" <<'PY'
import json, subprocess, sys
phrases = json.load(open(sys.argv[1], encoding="utf-8"))["en"]
for key, text in phrases.items():
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "140", "-w", f"{sys.argv[2]}/{key}.wav", text], check=True)
PY
touch "$OUT/.made"
