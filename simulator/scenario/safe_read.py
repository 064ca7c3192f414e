"""Reading a file a person named, without hanging and without reading it all.

`customer-sim validate`, `report` and the game's diagnostics view are handed paths; one of
them may be a FIFO (open() blocks until a writer appears), a device (/dev/zero never ends),
or a symbolic link to an 8 GiB file. `read_capped` opens with O_NONBLOCK, checks on the open
descriptor that it is a regular file, and reads at most `limit` bytes; `ReadRefused` carries a
sentence saying why a file was skipped.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


class ReadRefused(Exception):
    """The file was not read; str() is the reason, e.g. 'it is a FIFO (named pipe), not a regular file'."""


def describe_kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_capped(path: str | Path, limit: int, *, whole: bool = True) -> bytes:
    """Up to `limit` bytes of a regular file. With `whole`, a longer file is refused
    (ReadRefused 'larger than ...'); without, the first `limit` bytes are returned."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise ReadRefused(_open_failure(path, error)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadRefused(f"it is {describe_kind(info.st_mode)}, not a regular file")
        if whole and info.st_size > limit:
            raise ReadRefused(f"it is larger than {_size(limit)}")
        chunks, got = [], 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as error:
        raise ReadRefused(error.strerror or str(error)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        if whole:
            raise ReadRefused(f"it is larger than {_size(limit)}")
        data = data[:limit]
    return data


def _open_failure(path: str | Path, error: OSError) -> str:
    """Why `path` could not be opened, in words: the bare errors ("No such device or
    address" for a socket, "No such file" for a link whose target is gone) misled."""
    if error.errno == errno.ELOOP:
        return "it is a symbolic link that leads back to itself (a loop)"
    try:
        info = os.stat(path)
    except OSError:
        if os.path.islink(path):
            return f"it is a symbolic link to {os.readlink(path)!s}, which does not exist"
        return error.strerror or str(error)
    if not stat.S_ISREG(info.st_mode):
        return f"it is {describe_kind(info.st_mode)}, not a regular file"
    return error.strerror or str(error)


def _size(count: int) -> str:
    if count >= 1 << 20:
        return f"{count / (1 << 20):g} MiB"
    return f"{count // 1024} KiB" if count >= 4096 else f"{count} bytes"
