"""The one catalog (consolidate/i18n.py, consolidate/locale/).

Requirements covered:
- the committed .mo files are what the .po files compile to (nobody ships a stale catalog);
- every text marked in the code (_(), N_(), ngettext()) has an English translation;
- the language is per context: a block in English does not change what others see.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from consolidate import i18n

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def marked_texts() -> set[str]:
    """Every literal text the code marks for the catalog."""
    found: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT / "consolidate"), method_map=[("**.py", "python")], keywords=KEYWORDS):
        found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def english() -> dict[str, str]:
    with (i18n.LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po").open("rb") as fh:
        catalog = read_po(fh)
    return {str(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalog if m.id}


def test_compiled_catalogs_are_fresh() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_catalog.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout


def test_every_marked_text_has_english() -> None:
    en = english()
    missing = sorted(t for t in marked_texts() if not _translated(en.get(t)))
    assert not missing, "texts without English in locale/en/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def _translated(value: object) -> bool:
    if isinstance(value, tuple | list):
        return all(str(v).strip() for v in value)
    return bool(str(value or "").strip())


def test_language_is_per_context() -> None:
    assert i18n._("通过") == "通过"
    with i18n.language("en"):
        assert i18n._("通过") == "passed"
        assert i18n.current() == "en"
    assert i18n.current() == "zh"
    assert i18n._("通过") == "通过"
    assert i18n.in_language("en", "不通过") == "failed"
