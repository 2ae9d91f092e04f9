"""Debian's Chromium as the browser tests start it (Playwright drives it; its own browser
download does not work here). As root it needs --no-sandbox; without the background-networking
flags it keeps trying hosts this closed network refuses."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
