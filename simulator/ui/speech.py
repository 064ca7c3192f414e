"""Optional speech of the customer's lines through espeak-ng, if it is installed.

Speaking runs in a child process so the game never waits for it; a new line stops the
previous one. No espeak-ng, no audio device or a failing process are all silent: speech is
a nicety, never a reason for an error.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

log = logging.getLogger(__name__)


class Speech:
    """Speaks text with espeak-ng (or espeak) when `enabled` and available."""

    def __init__(self, binary: str | None = None, enabled: bool = True) -> None:
        self.binary = binary if binary is not None else (shutil.which("espeak-ng") or shutil.which("espeak"))
        self.enabled = enabled
        self._process: subprocess.Popen | None = None

    @property
    def available(self) -> bool:
        return bool(self.binary)

    def say(self, text: str) -> None:
        """Start speaking `text` (stopping any line still being spoken)."""
        if not (self.enabled and self.binary and text.strip()):
            return
        self.stop()
        try:
            self._process = subprocess.Popen(
                [self.binary, "-s", "165", "--", text[:2000]], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as error:
            log.info("speech unavailable (%s)", error)
            self.binary = None

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                process.terminate()
            except OSError:
                pass
