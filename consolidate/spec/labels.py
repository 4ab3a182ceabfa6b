"""How two labels are compared: the one normal form of a label's text.

Real reports retype labels: ``1、`` for ``1.``, half-width parentheses, spaces and line
breaks inside a label, full-width letters. ``normalise`` folds all that away before two
labels are compared. The spec's own labels are normalised once, when the spec is built
(``Box.forms``); only the text found in a file is normalised while reading.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_NUMBERING = re.compile(r"^(\d{1,2})[、,.．，]")
_FOLD = str.maketrans({"、": ",", "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "—": "-", "–": "-",
                       "―": "-", "－": "-", "：": ":", "〔": "[", "〕": "]", "【": "[", "】": "]"})


def squash(text: str) -> str:
    """The text without any whitespace (a label wrapped in its cell is the same label)."""
    return _SPACE.sub("", text)


def normalise(text: str) -> str:
    """The form two labels are compared in: NFKC, no spaces, ``1、``/``1．`` as ``1.``, one kind of comma."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    folded = _NUMBERING.sub(r"\1.", folded)
    return folded.translate(_FOLD)
