"""Write the Eigen Dossier app icons as PNG files, using only the standard library.

The icon is a teal square with a white credential card on it: a round badge seal and two
text lines. Run `python3 pwa/icons/make_icons.py` to regenerate the PNGs beside this file:

- icon-192.png, icon-512.png   purpose "any": rounded square, transparent corners
- icon-maskable-512.png        purpose "maskable": full bleed; the card fits the 80 % safe circle
- favicon-32.png               for the browser tab
"""

import struct
import zlib
from pathlib import Path

TEAL = (11, 93, 107)
WHITE = (255, 255, 255)
AMBER = (242, 169, 59)
SAMPLES = 4  # supersampling per axis, for smooth edges


def _inside_round_rect(x, y, left, top, right, bottom, radius):
    """Whether the point lies inside the rounded rectangle (all in unit coordinates)."""
    if not (left <= x <= right and top <= y <= bottom):
        return False
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def _shade(u, v, rounded):
    """The RGBA colour of a point of the unit square."""
    if rounded and not _inside_round_rect(u, v, 0, 0, 1, 1, 0.18):
        return (0, 0, 0, 0)
    if _inside_round_rect(u, v, 0.2, 0.26, 0.8, 0.74, 0.06):
        # the seal: an amber disc
        if (u - 0.35) ** 2 + (v - 0.42) ** 2 <= 0.075**2:
            return AMBER + (255,)
        # two text lines in teal
        if _inside_round_rect(u, v, 0.47, 0.37, 0.7, 0.41, 0.02):
            return TEAL + (255,)
        if _inside_round_rect(u, v, 0.47, 0.45, 0.64, 0.49, 0.02):
            return TEAL + (255,)
        if _inside_round_rect(u, v, 0.28, 0.58, 0.72, 0.62, 0.02):
            return TEAL + (255,)
        return WHITE + (255,)
    return TEAL + (255,)


def render(size, rounded=True):
    """Return the icon's rows as bytes of RGBA pixels."""
    rows = []
    n = SAMPLES * SAMPLES
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    r, g, b, a = _shade(
                        (px + (sx + 0.5) / SAMPLES) / size,
                        (py + (sy + 0.5) / SAMPLES) / size,
                        rounded,
                    )
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            alpha = acc[3] / n
            if acc[3]:
                row += bytes(round(c / acc[3]) for c in acc[:3])
            else:
                row += b"\0\0\0"
            row.append(round(alpha))
        rows.append(bytes(row))
    return rows


def png_bytes(rows, size):
    """Encode RGBA rows as a PNG file."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\0" + row for row in rows)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    here = Path(__file__).resolve().parent
    outputs = {
        "icon-192.png": (192, True),
        "icon-512.png": (512, True),
        "icon-maskable-512.png": (512, False),
        "favicon-32.png": (32, True),
    }
    for name, (size, rounded) in outputs.items():
        (here / name).write_bytes(png_bytes(render(size, rounded), size))
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
