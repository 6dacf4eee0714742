"""Draws icon.png (512x512, the size Claude Desktop recommends): a rounded dark tile with three server bars, each with a green light.

    python3 packaging/mcpb/make_icon.py   # rewrites packaging/mcpb/icon.png (standard library only)
"""

import pathlib
import struct
import zlib

SIZE, RADIUS = 256, 48
TILE, BAR, LIGHT, CLEAR = (0x1F, 0x29, 0x37, 255), (0xE5, 0xE7, 0xEB, 255), (0x22, 0xC5, 0x5E, 255), (0, 0, 0, 0)
BARS = [(48, 62), (104, 118), (160, 174)]   # top of each bar, and where its light is centred


def inside_tile(x, y):
    cx = min(max(x, RADIUS), SIZE - 1 - RADIUS)
    cy = min(max(y, RADIUS), SIZE - 1 - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2


def pixel(x, y):
    if not inside_tile(x, y):
        return CLEAR
    for top, light_y in BARS:
        if 40 <= x < 216 and top <= y < top + 44:
            if (x - 188) ** 2 + (y - light_y - 8) ** 2 <= 64:
                return LIGHT
            return BAR if not (60 <= x < 150 and top + 18 <= y < top + 26) else TILE
    return TILE


def png(width, height, rows):
    raw = b''.join(b'\0' + bytes(c for p in row for c in p) for row in rows)

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack('>IIBBBBB', width, height, 8, 6, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')


if __name__ == '__main__':
    # Drawn on a 256 grid, written at twice that.
    rows = [[pixel(x // 2, y // 2) for x in range(2 * SIZE)] for y in range(2 * SIZE)]
    (pathlib.Path(__file__).parent / 'icon.png').write_bytes(png(2 * SIZE, 2 * SIZE, rows))
