"""The one catalog (consolidate/i18n.py, consolidate/locale/).

Requirements covered:
- the committed .mo files are what the .po files compile to (nobody ships a stale catalog);
- every text marked in the code (_(), N_(), ngettext()) has an English translation, which fills
  no field its Chinese source does not have;
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
    """Every literal text the code marks for the catalog (the web's templates included)."""
    found: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT / "consolidate"), method_map=[("**.py", "python")], keywords=KEYWORDS):
        found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found | template_texts()


def template_texts() -> set[str]:
    """``{% translate %}`` and ``{% blocktranslate %}`` texts of the web's templates, as Django's
    own ``makemessages`` sees them (its templatize, then the Python extractor)."""
    import io

    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    found: set[str] = set()
    keywords = {"gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
    for path in sorted((ROOT / "consolidate" / "web" / "templates").rglob("*.html")):
        source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for _line, _func, message, _comments in extract_python(io.BytesIO(source.encode("utf-8")), keywords, [], {}):
            found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def test_templates_are_scanned() -> None:
    texts = template_texts()
    assert "上传并检查" in texts and "催报名单" in texts
    assert "{{ n }} 处标出" not in texts and "%(n)s 处标出" in texts  # blocktranslate's placeholders


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


def _fields(text: str) -> set[str]:
    """The ``str.format`` fields a text fills (``{n}``, ``{seconds:.1f}`` -> n, seconds)."""
    import string

    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_a_translation_fills_only_fields_its_source_has() -> None:
    """An English text naming a field the Chinese does not have fails only when shown in English
    (a KeyError, or a value the caller had to pre-render in English): never in the catalog."""
    wrong = []
    for lang in ("en", "zh_Hans"):
        with (ROOT / "consolidate" / "locale" / lang / "LC_MESSAGES" / "django.po").open("rb") as fh:
            for message in read_po(fh):
                if not message.id or not message.string or isinstance(message.id, tuple):
                    continue
                if "{" not in message.string or "%(" in message.id:  # click's %-formatted texts
                    continue
                extra = _fields(message.string) - _fields(message.id)
                if extra:
                    wrong.append((lang, message.id[:40], sorted(extra)))
    assert wrong == []


def test_language_is_per_context() -> None:
    assert i18n._("通过") == "通过"
    with i18n.language("en"):
        assert i18n._("通过") == "Passed"
        assert i18n.current() == "en"
    assert i18n.current() == "zh"
    assert i18n._("通过") == "通过"
    assert i18n.in_language("en", "不通过") == "Failed"
