"""The rules engine: the spec's rules as pandera schemas, run over one wide frame a batch.

``schema.py`` builds a pandera ``DataFrameSchema`` per format from the spec (cached);
``run.py`` stacks the files of a batch into one frame, validates it once and turns the
failure cases into findings; ``identity.py`` checks what is not a number (unit, year,
code, format against year). pandas and pandera are imported only here and below.
"""

from __future__ import annotations

from .identity import check_identity
from .run import check_batch, check_each, wide_frame
from .schema import CellCheck, RuleSchema, rule_schema

__all__ = ["CellCheck", "RuleSchema", "check_batch", "check_each", "check_identity", "rule_schema", "wide_frame"]
