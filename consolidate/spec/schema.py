"""The shape of a spec file, checked with pydantic: a spec file is untrusted input."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

CellKind = Literal["count", "signed", "amount"]
Severity = Literal["error", "warning", "info"]
BuiltinKind = Literal["types", "version"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NodeIn(_Strict):
    """A row or a column: a leaf (with an id) or a group of leaves (with children)."""

    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    label: str | None = None
    aliases: list[str] = []
    kind: CellKind | None = None
    sum_of: Literal["siblings"] | None = None
    rule: str | None = None
    unit_note: str | None = None
    children: list[NodeIn] | None = None

    @model_validator(mode="after")
    def _leaf_or_group(self) -> NodeIn:
        if self.children is not None:
            if self.id is not None:
                raise ValueError("a group (with children) has no id")
            if not self.children:
                raise ValueError("a group needs at least one child")
            if not self.label:
                raise ValueError("a group needs a label")
        elif self.id is None:
            raise ValueError("a leaf row or column needs an id")
        if (self.sum_of is None) != (self.rule is None):
            raise ValueError("sum_of and rule go together: a total names the rule that checks it")
        return self


class BlockIn(_Strict):
    caption: str | None = None
    corner: str | None = None
    columns: list[NodeIn] = Field(min_length=1)
    rows: list[NodeIn] = Field(min_length=1)


class TableIn(_Strict):
    id: str = Field(pattern=r"^t[0-9]$")
    sheet: str = Field(min_length=1, max_length=31)
    title: str
    blocks: list[BlockIn] = Field(min_length=1)


class RuleIn(_Strict):
    """A rule: an expression (``expect`` or ``flag_if``, see ``expr.py``), a check of the
    totals that name it in the table tree (neither), or a built-in ``kind``."""

    id: str = Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
    kind: BuiltinKind | None = None
    severity: Severity
    title: str
    check: str | None = None
    table: str | None = None
    message: dict[Literal["zh", "en"], str] | None = None
    messages: dict[str, dict[Literal["zh", "en"], str]] | None = None
    expect: str | None = Field(default=None, min_length=1)  # must hold; a finding where it does not
    flag_if: str | None = Field(default=None, min_length=1)  # suspicious; a finding where it holds
    for_each: Literal["column", "row"] | None = None  # of `table`: bare names are row / column ids
    target: str | None = None  # the cell a finding points at (default: the expression's first cell)

    @model_validator(mode="after")
    def _one_kind(self) -> RuleIn:
        if self.expect is not None and self.flag_if is not None:
            raise ValueError("a rule has `expect` or `flag_if`, not both")
        if self.kind is not None and (self.expect or self.flag_if):
            raise ValueError(f"a rule of kind {self.kind} has no expression")
        if (self.for_each or self.target) and not (self.expect or self.flag_if):
            raise ValueError("`for_each` and `target` belong to a rule with an expression")
        if self.for_each and not self.table:
            raise ValueError("`for_each` needs the rule's `table`")
        return self

    @model_validator(mode="after")
    def _has_message(self) -> RuleIn:
        if (self.message is None) == (self.messages is None):
            raise ValueError("a rule has either `message` or `messages` (one per variant)")
        for text in self.all_messages().values():
            if set(text) != {"zh", "en"}:
                raise ValueError("every message needs both `zh` and `en`")
        return self

    def all_messages(self) -> dict[str, dict[Literal["zh", "en"], str]]:
        if self.message is not None:
            return {"": self.message}
        return dict(self.messages or {})


class YearsIn(_Strict):
    first: int
    last: int | None = None


class FormatIn(_Strict):
    format: str = Field(pattern=r"^v[0-9]{4}$")
    spec_version: int = Field(ge=1)
    name: str
    notice: str
    years: YearsIn
    tables: list[TableIn]
    rules: list[RuleIn]


class FieldIn(_Strict):
    id: str
    label: str
    prefill: bool = False
    required: bool = False
    hint: str | None = None


class IdentityIn(_Strict):
    sheet: str
    title: str
    fields: list[FieldIn]


class MetaIn(_Strict):
    sheet: str
    keys: list[str]


class InstructionsIn(_Strict):
    sheet: str
    title: str
    deadline: str
    lines: list[str]
    rules_heading: str


class FindingIn(_Strict):
    severity: Severity
    zh: str
    en: str


class CommonIn(_Strict):
    identity: IdentityIn
    meta: MetaIn
    instructions: InstructionsIn
    findings: dict[str, FindingIn]
