"""Headless Chromium (Debian's chromium) as the report's tests and its screenshot run it."""

from __future__ import annotations

import shutil

CHROMIUM: str | None = shutil.which("chromium") or shutil.which("chromium-browser")
# Headless, offline and quiet: no sandbox (CI runs as root), no GPU, nothing fetched.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
