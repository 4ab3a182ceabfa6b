"""The rules engine: the spec's rules as pandera schemas, run over one wide frame a batch.

``schema.py`` compiles the spec's rule program (built with the spec) to a pandera
``DataFrameSchema`` per table;
``run.py`` stacks the files of a batch into one frame, validates it once and turns the
failure cases into findings; ``identity.py`` checks what is not a number (unit, year,
code, format against year). pandas and pandera are imported only here and below.
"""

from __future__ import annotations

from .identity import check_identity
from .run import check_batch, wide_frame
from .schema import RuleSchema, build_schema

__all__ = ["RuleSchema", "build_schema", "check_batch", "check_identity", "wide_frame"]
