"""Asset files (portraits) read safely: only regular files inside the assets folder, opened
without blocking, size-capped, and images measured from their header before decoding.

A scenario names its portraits; the file behind a name may be anything. A FIFO hung the
game forever in `open()`, a path with a NUL byte raised out of the loader, and a 48 KB PNG
declaring 20000 x 20000 pixels took 8 GB to decode. So every read here: resolves the path
(symlinks included) and insists it stays inside the assets folder, opens it with
O_NONBLOCK, checks with fstat on the open descriptor that it is a regular file of at most
`MAX_ASSET_BYTES`, and reads the image's width and height from the PNG IHDR chunk or the
JPEG SOF segment before anything decodes it. No pygame here: `validate` and the game share it.
"""

from __future__ import annotations

import os
import stat
import struct
import zlib
from pathlib import Path
from typing import Sequence

from simulator.scenario.limits import MAX_ASSET_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE

_PNG = b"\x89PNG\r\n\x1a\n"
_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder", stat.S_IFLNK: "a symbolic link"}


class AssetProblem(Exception):
    """Why an asset cannot be used. `code`: S108 (path leaves assets/), S109 (missing),
    S116 (exists but unusable)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def limits_text() -> str:
    """The caps, as a hint reads them."""
    return (f"{MAX_ASSET_BYTES >> 20} MiB and {MAX_IMAGE_PIXELS / 1e6:.1f} million pixels "
            f"({MAX_IMAGE_SIDE} pixels a side)")


def resolve_inside(root: Path, relative: str) -> Path:
    """The real path of `relative` under `root`; AssetProblem S108 if it leaves `root` or is
    not a plain relative path (absolute, '..', a drive, a NUL or control character)."""
    if not relative or any(ord(ch) < 32 or ch == "\x7f" for ch in relative):
        raise AssetProblem("S108", "the path contains a control character")
    candidate = relative.replace("\\", "/")
    if candidate.startswith("/") or (len(candidate) > 1 and candidate[1] == ":") or ".." in candidate.split("/"):
        raise AssetProblem("S108", "the path must be relative to assets/")
    base = Path(os.path.realpath(root))
    real = Path(os.path.realpath(base / candidate))
    if real != base and base not in real.parents:
        raise AssetProblem("S108", "it leads outside assets/ (a symbolic link?)")
    return real


def read_asset(root: Path, relative: str, limit: int = MAX_ASSET_BYTES) -> bytes:
    """The bytes of a regular file inside `root`, at most `limit` of them (AssetProblem)."""
    path = resolve_inside(root, relative)
    return _read_regular(path, limit)


def _read_regular(path: Path, limit: int) -> bytes:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise AssetProblem("S109", "the file does not exist") from None
    except OSError as error:
        raise AssetProblem("S116", f"it cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        raise AssetProblem("S116", f"it is {_KINDS.get(stat.S_IFMT(info.st_mode), 'not a regular file')}, "
                                   "not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise AssetProblem("S116", f"it cannot be opened ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)  # the file actually opened, not the name looked at a moment ago
        if not stat.S_ISREG(info.st_mode):
            raise AssetProblem("S116", "it is not a regular file")
        if info.st_size > limit:
            raise AssetProblem("S116", f"it is {info.st_size / (1 << 20):.1f} MiB, more than the "
                                       f"{limit >> 20} MiB an asset may be")
        wanted = limit + 1
        chunks, got = [], 0
        while got < wanted:
            chunk = os.read(fd, min(1 << 20, wanted - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        data = b"".join(chunks)
    except BlockingIOError:
        raise AssetProblem("S116", "it cannot be read without waiting") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise AssetProblem("S116", f"it grew past the {limit >> 20} MiB an asset may be while being read")
    return data


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG or JPEG header; AssetProblem S116 for anything else."""
    if data.startswith(_PNG):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise AssetProblem("S116", "it is a damaged PNG (no IHDR header)")
        return struct.unpack(">II", data[16:24])
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    raise AssetProblem("S116", "it is not a PNG or JPEG image")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            raise AssetProblem("S116", "it is a damaged JPEG")
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            index += 2
            continue
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame segment
            if index + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        if marker in (0xD9, 0xDA) or length < 2:
            break
        index += 2 + length
    raise AssetProblem("S116", "it is a damaged JPEG: no frame header gives its size")


def check_structure(data: bytes) -> None:
    """AssetProblem S116 when a PNG or JPEG is cut short or damaged, judged from its chunk
    and segment framing: a truncated or bit-flipped portrait passed `validate` from its
    header alone and then silently failed to decode in the game."""
    if data.startswith(_PNG):
        _png_structure(data)
    elif data.startswith(b"\xff\xd8"):
        start = data.find(b"\xff\xda")  # start of scan: the compressed image follows
        if start < 0 or data.rfind(b"\xff\xd9") < start:
            raise AssetProblem("S116", "it is a damaged JPEG: the file ends before the image does "
                                       "(cut short while copying?)")


def _png_structure(data: bytes) -> None:
    index, has_data = len(_PNG), False
    while index + 12 <= len(data):
        length = struct.unpack(">I", data[index:index + 4])[0]
        kind = data[index + 4:index + 8]
        end = index + 12 + length
        if end > len(data):
            break
        if zlib.crc32(data[index + 4:end - 4]) != struct.unpack(">I", data[end - 4:end])[0]:
            name = kind.decode("ascii", "replace")
            raise AssetProblem("S116", f"it is a damaged PNG: its {name!r} chunk at byte {index} "
                                       "fails its checksum")
        has_data = has_data or kind == b"IDAT"
        if kind == b"IEND":
            if not has_data:
                raise AssetProblem("S116", "it is a damaged PNG: it has no image data")
            return
        index = end
    raise AssetProblem("S116", "it is a damaged PNG: the file ends before its last chunk "
                               "(cut short while copying?)")


def check_image(width: int, height: int) -> None:
    """AssetProblem S116 when an image is too large to decode safely."""
    if width <= 0 or height <= 0:
        raise AssetProblem("S116", f"it claims to be {width} x {height} pixels")
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise AssetProblem("S116", f"it is {width} x {height} pixels, more than the "
                                   f"{MAX_IMAGE_PIXELS / 1e6:.1f} million ({MAX_IMAGE_SIDE} a side) "
                                   "a portrait may have")


def check_portrait(roots: Sequence[Path], relative: str) -> Path:
    """The folder of `roots` (searched in order) that holds the portrait at `relative`;
    AssetProblem when it could not be shown safely, S109 when no folder has it."""
    root, path = _find(roots, relative)
    data = _read_regular(path, MAX_ASSET_BYTES)  # whole (capped): the framing is checked to the end
    check_image(*image_size(data))
    check_structure(data)
    return root


def read_portrait(roots: Sequence[Path], relative: str) -> bytes:
    """A portrait's bytes from the first of `roots` that has it, after every check in
    `check_portrait` (AssetProblem otherwise)."""
    data = _read_regular(_find(roots, relative)[1], MAX_ASSET_BYTES)
    check_image(*image_size(data))
    check_structure(data)
    return data


def _find(roots: Sequence[Path], relative: str) -> tuple[Path, Path]:
    """(root, resolved path) of `relative` in the first root where something is there; a
    problem with that file is then the file's (a broken image beside the scenario does not
    fall back to the shipped one silently)."""
    for root in roots:
        path = resolve_inside(root, relative)
        if os.path.lexists(path):
            return root, path
    raise AssetProblem("S109", "the file is in none of " + ", ".join(str(root) for root in roots))
