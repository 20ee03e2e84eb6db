"""Writes chime.wav: our own notification sound (two soft sine notes with a fade), so no
third-party audio needs licensing. Run: python resources/sounds/make_chime.py"""

import math
import struct
import wave
from pathlib import Path

RATE = 44_100


def note(freq: float, seconds: float, volume: float = 0.35) -> list[float]:
    n = int(RATE * seconds)
    out = []
    for i in range(n):
        t = i / RATE
        envelope = min(1.0, i / (0.01 * RATE)) * math.exp(-4.5 * t)  # quick attack, soft decay
        out.append(volume * envelope * (math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)))
    return out


def main() -> None:
    samples = note(880.0, 0.18) + note(1318.5, 0.42)
    path = Path(__file__).with_name("chime.wav")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(max(-1.0, min(1.0, s)) * 32767)) for s in samples))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
