"""The annotated copy written by editing the workbook's XML parts, not through openpyxl.

openpyxl loads every part of a workbook into objects and writes them all again: about
120 ms of CPU a copy, most of ``run``'s cost beyond ``validate`` (issue 19). A copy
changes little: a style and a comment on a few cells, one new sheet, a few names. Here
those changes are made on the parts themselves (the rest are copied as they are, their
cached formula values included), in a few milliseconds.

Only a workbook whose parts look as our template's and as Excel's and WPS's do is edited
this way; anything unusual (prefixed main elements, existing comments or custom
properties, a macro or template workbook, a returned copy, a cell not written in the
file ...) makes :func:`annotated_xml` return None, and the copy is made by openpyxl as
before. Both render the same plan (:mod:`.annotate_layout`): the same marked cells,
comments, findings sheet and document properties.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree as SafeElementTree
from openpyxl.comments.comment_sheet import CommentRecord, CommentSheet
from openpyxl.utils.cell import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.xml.functions import tostring

from ..findings import Finding
from ..i18n import LANGS, in_language
from ..report import FileResult
from ..spec.model import Lang
from ..writing import pinned_zip
from ..xlsx.styles import FONT
from .annotate_layout import (
    BORDER_COLOUR,
    MARK_FILL,
    SHEET,
    TAG_PROPERTY,
    CommentPlan,
    FindingsSheet,
    Style,
    comments,
    findings_sheet,
    mapping_locate,
    sheet_value,
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAX_PARTS_BYTES = 200 * 1024 * 1024  # more than this inflated: leave it to openpyxl
# Top-level worksheet elements that come after <legacyDrawing> (ECMA-376 CT_Worksheet).
AFTER_LEGACY = frozenset({"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                          "tableParts", "extLst"})
_TAG = re.compile(r"""<(/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>""")
_XF = re.compile(r"""<xf\b(?:[^>"']|"[^"]*"|'[^']*')*?(?:/>|>.*?</xf>)""", re.S)


class Unsuitable(Exception):
    """This workbook is not edited part by part: openpyxl makes its copy."""


def annotated_xml(data: bytes, result: FileResult, numbered: Sequence[tuple[int, Finding]], lang: Lang, tag: str,
                  *, created: str, author: str) -> bytes | None:
    """The annotated copy of the workbook ``data``, or None when it must be made by openpyxl.

    ``created``: the date (W3CDTF) given to a copy whose source has none; ``author``: its
    last-modified-by. Pure: the same arguments give the same bytes.
    """
    try:
        return _Package(data).annotate(result, numbered, lang, tag, created=created, author=author)
    except Exception:  # Unsuitable, or anything else a unit's odd file brings about here: openpyxl has its say
        return None


def _need(condition: bool) -> None:
    if not condition:
        raise Unsuitable


def _parse(text: str) -> Element:
    root: Element = SafeElementTree.fromstring(text, forbid_dtd=True)
    return root


def _insert_before(text: str, closing: str, addition: str) -> str:
    """``addition`` just before the one ``closing`` tag of ``text``."""
    _need(text.count(closing) == 1)
    at = text.index(closing)
    return text[:at] + addition + text[at:]


def _set_attr(start_tag: str, name: str, value: str) -> str:
    """A start tag (“<c r="B5" s="3">”) with ``name`` set to ``value``."""
    pattern = re.compile(rf'(\s){re.escape(name)}="[^"]*"')
    if pattern.search(start_tag):
        return pattern.sub(lambda m: f'{m.group(1)}{name}="{value}"', start_tag, count=1)
    end = len(start_tag) - (2 if start_tag.endswith("/>") else 1)
    return f'{start_tag[:end]} {name}="{value}"{start_tag[end:]}'


def _counted(text: str, section: str, additions: list[str]) -> str:
    """``text`` (styles.xml) with ``additions`` appended to the list ``section`` and its count updated."""
    if not additions:
        return text
    opening = re.search(rf"<{section}\b[^>]*>", text)
    _need(opening is not None and not opening.group(0).endswith("/>"))
    assert opening is not None
    text = _insert_before(text, f"</{section}>", "".join(additions))
    count = re.search(r'\scount="(\d+)"', opening.group(0))
    if count is None:
        return text
    new_tag = _set_attr(opening.group(0), "count", str(int(count.group(1)) + len(additions)))
    return text[:opening.start()] + new_tag + text[opening.end():]


@dataclass
class _Styles:
    """styles.xml and what this copy adds to it."""

    text: str
    fonts: int
    fills: int
    borders: int
    xfs: list[str]
    new_fonts: list[str] = field(default_factory=list)
    new_fills: list[str] = field(default_factory=list)
    new_borders: list[str] = field(default_factory=list)
    new_xfs: list[str] = field(default_factory=list)
    _made: dict[object, int] = field(default_factory=dict)

    @classmethod
    def read(cls, text: str) -> _Styles:
        _need(f'<styleSheet xmlns="{MAIN}"' in text[:1000])

        def section(name: str) -> str:
            found = re.findall(rf"<{name}\b[^>]*>(.*?)</{name}>", text, re.S)
            _need(len(found) == 1)
            return str(found[0])

        fonts = len(re.findall(r"<font[\s/>]", section("fonts")))
        fills = re.findall(r"<fill[\s/>].*?(?:</fill>|/>)", section("fills"), re.S)
        borders = len(re.findall(r"<border[\s/>]", section("borders")))
        xfs = _XF.findall(section("cellXfs"))
        _need(len(fills) >= 2 and borders >= 1 and fonts >= 1 and len(xfs) >= 1)
        _need('patternType="none"' in fills[0] or "patternType" not in fills[0])  # fill 0: no fill
        return cls(text, fonts, len(fills), borders, xfs)

    def _once(self, key: object, make: list[str], element: str, base: int) -> int:
        if key not in self._made:
            make.append(element)
            self._made[key] = base + len(make) - 1
        return self._made[key]

    def fill(self, colour: str, background: bool) -> int:
        bg = f'<bgColor rgb="FF{colour}"/>' if background else ""
        return self._once(("fill", colour, background), self.new_fills,
                          f'<fill><patternFill patternType="solid"><fgColor rgb="FF{colour}"/>{bg}</patternFill></fill>',
                          self.fills)

    def marked(self, xf: int) -> int:
        """The cell format ``xf`` with the light red fill (everything else kept)."""
        _need(0 <= xf < len(self.xfs))
        fill = self.fill(MARK_FILL, True)
        start = re.match(r"<xf\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?/?>", self.xfs[xf])
        assert start is not None
        tag = _set_attr(_set_attr(start.group(0), "fillId", str(fill)), "applyFill", "1")
        return self._once(("marked", xf), self.new_xfs, tag + self.xfs[xf][start.end():], len(self.xfs))

    def cell(self, style: Style) -> int:
        """A cell format for the findings sheet."""
        font = self._once(("font", style.size, style.bold, style.underline, style.colour), self.new_fonts,
                          "<font>" + ("<b/>" if style.bold else "") + ("<u/>" if style.underline else "")
                          + f'<sz val="{style.size}"/>'
                          + (f'<color rgb="FF{style.colour}"/>' if style.colour else "")
                          + f"<name val={quoteattr(FONT)}/></font>", self.fonts)
        fill = self.fill(style.fill, False) if style.fill else 0
        side = f'style="thin"><color rgb="FF{BORDER_COLOUR}"/>'
        border = self._once("border", self.new_borders,
                            f"<border><left {side}</left><right {side}</right><top {side}</top>"
                            f"<bottom {side}</bottom><diagonal/></border>", self.borders) if style.border else 0
        attrs = (f'numFmtId="0" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0" applyFont="1"'
                 + (' applyFill="1"' if fill else "") + (' applyBorder="1"' if border else ""))
        if not style.aligned:
            element = f"<xf {attrs}/>"
        else:
            align = "".join(f' {k}="{v}"' for k, v in (("horizontal", style.horizontal), ("vertical", style.vertical),
                                                         ("wrapText", "1" if style.wrap else None)) if v)
            element = f'<xf {attrs} applyAlignment="1"><alignment{align}/></xf>'
        return self._once(("xf", style), self.new_xfs, element, len(self.xfs))

    def written(self) -> str:
        text = _counted(self.text, "fonts", self.new_fonts)
        text = _counted(text, "fills", self.new_fills)
        text = _counted(text, "borders", self.new_borders)
        return _counted(text, "cellXfs", self.new_xfs)


def _rels_path(part: str) -> str:
    path = PurePosixPath(part)
    return str(path.parent / "_rels" / f"{path.name}.rels")


def _target(base: str, target: str) -> str:
    """A relationship's target as a part name (no leading slash)."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (str(PurePosixPath(base).parent) + "/" + target).split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            _need(bool(parts))
            parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def _relationships(text: str) -> list[tuple[str, str, str]]:
    """(Id, Type, Target) of each relationship."""
    root = _parse(text)
    _need(root.tag == f"{{{PACKAGE_REL}}}Relationships")
    return [(r.get("Id", ""), r.get("Type", ""), r.get("Target", "")) for r in root]


def _free_id(used: set[str]) -> str:
    n = len(used) + 1
    while f"rId{n}" in used:
        n += 1
    used.add(f"rId{n}")
    return f"rId{n}"


@dataclass
class _Sheet:
    name: str
    part: str
    visible: bool
    text: str = ""
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


class _Package:
    """The parts of one workbook, changed in place."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = [i.filename for i in infos]
            _need(len(set(names)) == len(names))
            _need(sum(i.file_size for i in infos) <= MAX_PARTS_BYTES)
            self.parts: dict[str, bytes] = {i.filename: archive.read(i) for i in infos}
        self.changed: dict[str, str] = {}

    def text(self, name: str) -> str:
        if name in self.changed:
            return self.changed[name]
        _need(name in self.parts)
        return self.parts[name].decode("utf-8")

    def put(self, name: str, text: str) -> None:
        self.changed[name] = text

    def taken(self, name: str) -> bool:
        return name in self.parts or name in self.changed

    def free(self, *patterns: str) -> list[str]:
        """The first names of ``patterns`` (“xl/comments{}.xml” ...) free for one same number."""
        n = 1
        while any(self.taken(p.format(n)) for p in patterns):
            n += 1
        return [p.format(n) for p in patterns]

    # --- the workbook ------------------------------------------------------------------

    def annotate(self, result: FileResult, numbered: Sequence[tuple[int, Finding]], lang: Lang, tag: str, *,
                 created: str, author: str) -> bytes:
        types = self.text("[Content_Types].xml")
        type_root = _parse(types)
        _need(type_root.tag == f"{{{TYPES}}}Types" and "</Types>" in types)
        overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType", "") for o in type_root
                     if o.tag == f"{{{TYPES}}}Override"}
        defaults = {d.get("Extension", "").lower() for d in type_root if d.tag == f"{{{TYPES}}}Default"}
        _need("macroEnabled" not in types and not any("vba" in name.lower() for name in self.parts))  # macros go
        workbooks = [name for name, kind in overrides.items() if kind == WORKBOOK_TYPE]
        _need(len(workbooks) == 1 and "docProps/core.xml" in self.parts)
        workbook = workbooks[0]
        sheets, workbook_rels = self._sheets(workbook)
        names = {in_language(other, SHEET) for other in LANGS}
        _need(not any(s.name in names for s in sheets))  # a returned copy: openpyxl drops its old sheet
        by_name = {s.name: s for s in sheets if s.part}
        for sheet in by_name.values():
            sheet.text = self.text(sheet.part)
            _need(sheet.text.count("<sheetData") == 1 and f'xmlns="{MAIN}"' in sheet.text[:2000])
            sheet.merged = [range_boundaries(ref) for ref in re.findall(r'<mergeCell ref="([^"]+)"', sheet.text)]
        locate = mapping_locate({name: s.merged for name, s in by_name.items()})

        styles_part = next((_target(workbook, t) for _, kind, t in workbook_rels if kind.endswith("/styles")), None)
        _need(styles_part is not None)
        assert styles_part is not None
        styles = _Styles.read(self.text(styles_part))

        planned = sorted(comments(numbered, lang, locate), key=lambda p: (p.sheet, p.row, p.col))
        new_types: list[str] = []
        for name in dict.fromkeys(p.sheet for p in planned):
            new_types += self._mark(by_name[name], [p for p in planned if p.sheet == name], styles)
        plan = findings_sheet(result, numbered, lang, locate, lambda name: by_name[name].visible)
        (sheet_part,) = self.free("xl/worksheets/sheet{}.xml")
        self.put(sheet_part, _findings_xml(plan, styles))
        self.put(styles_part, styles.written())
        for sheet in by_name.values():  # one selected tab, or Excel groups the sheets
            head_end = sheet.text.index("<sheetData")
            head = re.sub(r'\stabSelected="(?:1|true)"', "", sheet.text[:head_end], count=1)
            if len(head) != head_end:
                sheet.text = head + sheet.text[head_end:]
                self.put(sheet.part, sheet.text)
        self._add_sheet(workbook, workbook_rels, sheets, sheet_part, plan)
        new_types.append(f'<Override PartName="/{sheet_part}" ContentType="{WORKSHEET_TYPE}"/>')
        if self._properties(tag, created, author):
            new_types.append(f'<Override PartName="/docProps/custom.xml" ContentType="{CUSTOM_TYPE}"/>')
        if planned and "vml" not in defaults:
            new_types.insert(0, f'<Default Extension="vml" ContentType="{VML_TYPE}"/>')
        self.put("[Content_Types].xml", _insert_before(types, "</Types>", "".join(new_types)))
        return self._zip()

    def _sheets(self, workbook: str) -> tuple[list[_Sheet], list[tuple[str, str, str]]]:
        rels = _relationships(self.text(_rels_path(workbook)))
        targets = {rid: _target(workbook, target) for rid, kind, target in rels if kind.endswith("/worksheet")}
        root = _parse(self.text(workbook))
        _need(root.tag == f"{{{MAIN}}}workbook")
        listed = root.find(f"{{{MAIN}}}sheets")
        _need(listed is not None)
        assert listed is not None
        sheets = [_Sheet(s.get("name", ""), targets.get(s.get(f"{{{OFFICE_REL}}}id", ""), ""),
                         s.get("state", "visible") == "visible") for s in listed]
        return sheets, rels

    def _mark(self, sheet: _Sheet, planned: list[CommentPlan], styles: _Styles) -> list[str]:
        """Fill and comment the planned cells of ``sheet``; return the content types to add."""
        rels_part = _rels_path(sheet.part)
        rels = _relationships(self.text(rels_part)) if rels_part in self.parts else []
        _need(not any(kind.endswith(("/comments", "/vmlDrawing")) for _, kind, _ in rels))
        text = sheet.text
        for plan in planned:
            ref = f"{get_column_letter(plan.col)}{plan.row}"
            found = re.search(rf'<c\s(?:[^>"]|"[^"]*")*?\br="{ref}"(?:[^>"]|"[^"]*")*?/?>', text)
            _need(found is not None)  # a cell the file does not hold: openpyxl adds it
            assert found is not None
            old = re.search(r'\ss="(\d+)"', found.group(0))
            style = styles.marked(int(old.group(1)) if old else 0)
            text = text[:found.start()] + _set_attr(found.group(0), "s", str(style)) + text[found.end():]
        comments_part, vml_part = self.free("xl/comments{}.xml", "xl/drawings/commentsDrawing{}.vml")
        records = []
        for plan in planned:
            body = plan.text()
            record = CommentRecord(ref=f"{get_column_letter(plan.col)}{plan.row}", author=plan.author)
            record.text.t = body
            record.width, record.height = CommentPlan.size(body)
            records.append(record)
        sheet_comments = CommentSheet.from_comments(records)
        self.put(comments_part, XML_HEAD + tostring(sheet_comments.to_tree()).decode("utf-8"))
        self.put(vml_part, sheet_comments.write_shapes().decode("utf-8"))
        used = {rid for rid, _, _ in rels}
        comments_id, vml_id = _free_id(used), _free_id(used)
        relations = (f'<Relationship Id="{comments_id}" Type="{OFFICE_REL}/comments" '
                     f'Target="/{comments_part}"/>'
                     f'<Relationship Id="{vml_id}" Type="{OFFICE_REL}/vmlDrawing" Target="/{vml_part}"/>')
        if rels_part in self.parts:
            self.put(rels_part, _insert_before(self.text(rels_part), "</Relationships>", relations))
        else:
            self.put(rels_part, f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL}">{relations}</Relationships>')
        sheet.text = _with_legacy_drawing(text, vml_id)
        self.put(sheet.part, sheet.text)
        return [f'<Override PartName="/{comments_part}" ContentType="{COMMENTS_TYPE}"/>']

    def _add_sheet(self, workbook: str, rels: list[tuple[str, str, str]], sheets: list[_Sheet], part: str,
                   plan: FindingsSheet) -> None:
        text = self.text(workbook)
        _need(text.count("<sheets>") == 1 and f'xmlns:r="{OFFICE_REL}"' in text and "<functionGroups" not in text)
        rid = _free_id({r for r, _, _ in rels})
        rels_part = _rels_path(workbook)
        self.put(rels_part, _insert_before(self.text(rels_part), "</Relationships>",
                                           f'<Relationship Id="{rid}" Type="{OFFICE_REL}/worksheet" '
                                           f'Target="/{part}"/>'))
        ids = [int(i) for i in re.findall(r'<sheet\b[^>]*?\ssheetId="(\d+)"', text)]
        sheet_id = max(ids, default=0) + 1
        text = text.replace("<sheets>", f"<sheets><sheet name={quoteattr(plan.title)} sheetId=\"{sheet_id}\" "
                                        f'r:id="{rid}"/>', 1)
        text = re.sub(r'(<definedName\b[^>]*?\slocalSheetId=")(\d+)"', lambda m: f'{m.group(1)}{int(m.group(2)) + 1}"',
                      text)
        area = f"{quote_sheetname(plan.title)}!$A${plan.header_row}:${get_column_letter(plan.last_col)}${plan.last_row}"
        names = (f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{escape(area)}</definedName>'
                 f'<definedName name="_xlnm.Print_Titles" localSheetId="0">'
                 f"{escape(quote_sheetname(plan.title))}!${plan.header_row}:${plan.header_row}</definedName>")
        if "<definedNames>" in text:
            text = text.replace("<definedNames>", "<definedNames>" + names, 1)
        else:
            _need("<definedNames" not in text)
            after = "</externalReferences>" if "</externalReferences>" in text else "</sheets>"
            text = text.replace(after, f"{after}<definedNames>{names}</definedNames>", 1)
        text = re.sub(r"<workbookView\b[^>]*>",  # the copy opens on its first sheet, 问题清单
                      lambda m: re.sub(r'\s(?:activeTab|firstSheet)="\d+"', "", m.group(0)), text)
        calc = re.search(r"<calcPr\b[^>]*?/?>", text)
        if calc is not None:
            text = text[:calc.start()] + _set_attr(calc.group(0), "fullCalcOnLoad", "1") + text[calc.end():]
        else:
            text = text.replace("</definedNames>", '</definedNames><calcPr fullCalcOnLoad="1"/>', 1)
        self.put(workbook, text)

    def _properties(self, tag: str, created: str, author: str) -> bool:
        """Set the core and custom properties; whether custom.xml is a new part."""
        core = self.text("docProps/core.xml")
        _need("<cp:coreProperties" in core and "</cp:coreProperties>" in core
              and 'xmlns:dcterms="http://purl.org/dc/terms/"' in core
              and 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' in core)
        dates = dict(re.findall(r'<dcterms:(created|modified)\b[^>]*>([^<]*)</dcterms:\1>', core))
        added = ""
        if "<dcterms:created" not in core:
            added += f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        if "<dcterms:modified" not in core:
            added += f'<dcterms:modified xsi:type="dcterms:W3CDTF">{dates.get("created", created)}</dcterms:modified>'
        by = f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy>"
        core, n = re.subn(r"<cp:lastModifiedBy\s*/>|<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>", by, core, count=1)
        if not n:
            added += by
        self.put("docProps/core.xml", _insert_before(core, "</cp:coreProperties>", added) if added else core)
        value = f'<vt:lpwstr xmlns:vt="{VT}">{escape(tag)}</vt:lpwstr>'
        if "docProps/custom.xml" in self.parts:  # WPS's, LibreOffice's: ours is added to them
            custom = self.text("docProps/custom.xml")
            _need(f'<Properties xmlns="{CUSTOM}"' in custom and TAG_PROPERTY not in custom)
            pid = max((int(p) for p in re.findall(r'\spid="(\d+)"', custom)), default=1) + 1
            prop = f'<property fmtid="{CUSTOM_FMTID}" pid="{pid}" name="{TAG_PROPERTY}">{value}</property>'
            if re.search(r"<Properties\b[^>]*/>", custom):
                custom = re.sub(r"<Properties\b([^>]*?)\s*/>", lambda m: f"<Properties{m.group(1)}>{prop}</Properties>",
                                custom, count=1)
            else:
                custom = _insert_before(custom, "</Properties>", prop)
            self.put("docProps/custom.xml", custom)
            return False
        self.put("docProps/custom.xml", (
            f'{XML_HEAD}<Properties xmlns="{CUSTOM}"><property fmtid="{CUSTOM_FMTID}" pid="2" name="{TAG_PROPERTY}">'
            f"{value}</property></Properties>"))
        root_rels = self.text("_rels/.rels")
        used = {rid for rid, _, _ in _relationships(root_rels)}
        self.put("_rels/.rels", _insert_before(root_rels, "</Relationships>", (
            f'<Relationship Id="{_free_id(used)}" Type="{OFFICE_REL}/custom-properties" '
            f'Target="docProps/custom.xml"/>')))
        return True

    def _zip(self) -> bytes:
        names = [*self.parts, *(n for n in self.changed if n not in self.parts)]
        return pinned_zip((name, self.changed[name].encode("utf-8") if name in self.changed else self.parts[name])
                          for name in names)


def _top_level(text: str, start: int) -> Iterator[tuple[str, int]]:
    """(name, position) of each element directly inside <worksheet>, from ``start`` (a top-level position)."""
    depth = 1
    tail = text[start:]
    _need("<!--" not in tail and "<![CDATA[" not in tail)
    for tag in _TAG.finditer(text, start):
        closing, name, _, empty = tag.groups()
        if closing:
            depth -= 1
            if depth == 0:
                return
        else:
            if depth == 1:
                yield name, tag.start()
            if not empty:
                depth += 1


def _with_r_prefix(text: str) -> str:
    """The part with the prefix r: bound to the relationships namespace on its root."""
    root = re.search(r"<(?![?!])[^>]*>", text)
    _need(root is not None)
    assert root is not None
    if f'xmlns:r="{OFFICE_REL}"' in root.group(0):
        return text
    _need("xmlns:r=" not in root.group(0))
    return text[:root.start()] + _set_attr(root.group(0), "xmlns:r", OFFICE_REL) + text[root.end():]


def _with_legacy_drawing(text: str, rid: str) -> str:
    """The sheet with <legacyDrawing r:id=…/> in its place among the top-level elements."""
    text = _with_r_prefix(text)
    end = text.index("</sheetData>") + len("</sheetData>")
    at = text.index("</worksheet>")
    for name, position in _top_level(text, end):
        _need(name != "legacyDrawing" and ":" not in name)
        if name in AFTER_LEGACY:
            at = position
            break
    return text[:at] + f'<legacyDrawing r:id="{rid}"/>' + text[at:]


def _number(value: float | int) -> str:
    return str(value) if isinstance(value, int) else repr(value)


def _findings_xml(plan: FindingsSheet, styles: _Styles) -> str:
    """The 问题清单 sheet's XML."""
    rows: dict[int, list[str]] = {}
    links: list[str] = []
    for item in sorted(plan.cells, key=lambda c: (c.row, c.col)):
        ref = f"{get_column_letter(item.col)}{item.row}"
        style = styles.cell(item.style)
        value = sheet_value(item.value)
        if value is None:
            cell = f'<c r="{ref}" s="{style}"/>'
        elif isinstance(value, str):
            cell = f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
        else:
            cell = f'<c r="{ref}" s="{style}"><v>{_number(value)}</v></c>'
        rows.setdefault(item.row, []).append(cell)
        if item.link:
            links.append(f"<hyperlink ref=\"{ref}\" location={quoteattr(item.link)} "
                         f"display={quoteattr(item.shown or '')}/>")
    data = "".join(
        f'<row r="{r}"' + (f' ht="{plan.heights[r]}" customHeight="1"' if r in plan.heights else "") + ">"
        + "".join(cells) + "</row>" for r, cells in sorted(rows.items()))
    last_col = get_column_letter(plan.last_col)
    top = plan.header_row + 1
    cols = "".join(f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>' for j, w in enumerate(plan.widths, 1))
    return (f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{OFFICE_REL}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="A1:{last_col}{plan.last_row}"/>'
            f'<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="{plan.header_row}" '
            f'topLeftCell="A{top}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{top}" sqref="A{top}"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{data}</sheetData>'
            f'<autoFilter ref="A{plan.header_row}:{last_col}{plan.last_row}"/>'
            + (f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "")
            + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')


__all__ = ["annotated_xml"]
