"""Chart text that the chart font can draw. Matplotlib draws a character its font lacks (most
emoji: no emoji font can be drawn by its Agg backend) as an empty box; here such a character
is spelled out by its Unicode name instead, '😂' -> '[face with tears of joy]'. Variation
selectors and zero-width joiners, invisible anyway, are dropped."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import matplotlib
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

INVISIBLE = frozenset({"\ufe0e", "\ufe0f", "\u200d"})


@lru_cache(maxsize=1)
def _font() -> FT2Font:
    return FT2Font(font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.family"])))


def drawable(text: str) -> str:
    """``text`` with every character the chart font has no glyph for replaced by its name."""
    font = _font()
    out = []
    for ch in text:
        if ch in INVISIBLE:
            continue
        if ch.isascii() or font.get_char_index(ord(ch)):
            out.append(ch)
        else:
            out.append(f"[{unicodedata.name(ch, f'U+{ord(ch):04X}').lower()}]")
    return "".join(out)
