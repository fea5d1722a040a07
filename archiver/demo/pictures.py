"""Small real pictures for the demo's image host, made without any imaging library.

``picture(seed, width, height, "png" | "jpg")`` draws a picture of 8x8
tiles (a colour field, a band and a frame, all chosen from ``seed``) and
encodes it as a PNG (zlib) or a baseline JPEG. The JPEG encoder is the
smallest one that every decoder reads: one colour per 8x8 block, so each
block is its DC coefficient alone, with quantisation 1 and two small
Huffman tables. The same seed always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Callable

__all__ = ["jpeg", "picture", "png"]

Colour = tuple[int, int, int]


def png(width: int, height: int, colour: Callable[[int, int], Colour]) -> bytes:
    """An 8-bit RGB PNG; ``colour(x, y)`` of each pixel."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes(colour(x, y)) for x in range(width)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


class _Bits:
    def __init__(self) -> None:
        self.out = bytearray()
        self.value = 0
        self.count = 0

    def put(self, value: int, length: int) -> None:
        for shift in range(length - 1, -1, -1):
            self.value = (self.value << 1) | ((value >> shift) & 1)
            self.count += 1
            if self.count == 8:
                self.out.append(self.value)
                if self.value == 0xFF:
                    self.out.append(0)  # byte stuffing
                self.value = self.count = 0

    def close(self) -> bytes:
        if self.count:
            self.put((1 << (8 - self.count)) - 1, 8 - self.count)  # pad with ones
        return bytes(self.out)


def _segment(marker: int, data: bytes) -> bytes:
    return struct.pack(">HH", 0xFF00 | marker, len(data) + 2) + data


def jpeg(width: int, height: int, block: Callable[[int, int], Colour]) -> bytes:
    """A baseline JPEG (JFIF, YCbCr 4:4:4); ``block(bx, by)`` is the colour of
    each 8x8 block, so ``width`` and ``height`` must be multiples of 8."""
    if width % 8 or height % 8:
        raise ValueError("width and height must be multiples of 8")
    # DC table: categories 0..11, four bits each (0000..1011); AC: EOB only ("00").
    dc_bits = bytes([0, 0, 0, 12] + [0] * 12)
    dc_values = bytes(range(12))
    ac_bits = bytes([0, 2] + [0] * 14)
    ac_values = bytes([0x00, 0x01])
    head = b"\xff\xd8" + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    head += _segment(0xDB, b"\x00" + b"\x01" * 64)  # quantisation 1 everywhere
    components = b"".join(bytes([n, 0x11, 0]) for n in (1, 2, 3))
    head += _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + components)
    head += _segment(0xC4, b"\x00" + dc_bits + dc_values)
    head += _segment(0xC4, b"\x10" + ac_bits + ac_values)
    head += _segment(0xDA, b"\x03" + b"".join(bytes([n, 0]) for n in (1, 2, 3)) + b"\x00\x3f\x00")
    bits = _Bits()
    previous = [0, 0, 0]
    for by in range(height // 8):
        for bx in range(width // 8):
            r, g, b = block(bx, by)
            ycc = (
                0.299 * r + 0.587 * g + 0.114 * b,
                128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
                128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
            )
            for n, value in enumerate(ycc):
                dc = round(8 * (min(255.0, max(0.0, value)) - 128))
                diff, previous[n] = dc - previous[n], dc
                size = abs(diff).bit_length()
                bits.put(size, 4)
                if size:
                    bits.put(diff if diff > 0 else diff - 1 + (1 << size), size)
                bits.put(0, 2)  # end of block: no AC coefficient
    return head + bits.close() + b"\xff\xd9"


def picture(seed: str, width: int, height: int, kind: str) -> bytes:
    """A picture of ``width`` x ``height`` (multiples of 8) drawn from ``seed``."""
    digest = hashlib.sha256(seed.encode()).digest()
    ground: Colour = (digest[0], digest[1], digest[2])
    band: Colour = (255 - digest[0], digest[3], 255 - digest[2])
    frame: Colour = (digest[4] // 4, digest[5] // 4, digest[6] // 4)
    columns, rows = width // 8, height // 8
    band_row = 1 + digest[7] % max(1, rows - 2)

    def tile(bx: int, by: int) -> Colour:
        if bx in (0, columns - 1) or by in (0, rows - 1):
            return frame
        if by == band_row or (bx + by + digest[8]) % 7 == 0:
            return band
        shade = (bx * 255) // max(1, columns - 1)
        return ((ground[0] + shade) // 2, ground[1], (ground[2] + 255 - shade) // 2)

    if kind == "jpg":
        return jpeg(width, height, tile)
    if kind == "png":
        return png(width, height, lambda x, y: tile(x // 8, y // 8))
    raise ValueError(f"kind: png or jpg, not {kind!r}")
