"""Where the data files of the `fixtures` package are, for every install (checkout, editable or wheel).

Found through `importlib.resources`, never relative to this source file: a wheel puts `fixtures/` in
site-packages, not next to a source tree, and `ctomatch load-fixtures` must work from there.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

FIXTURES: Traversable = files("fixtures")
"""The folder of the reference data (taxonomy, rate grid); the demo data is in its `demo/`."""

TAXONOMY: Traversable = FIXTURES / "taxonomy.json"
"""The competence taxonomy."""

RATE_GRID: Traversable = FIXTURES / "rate_grid.json"
"""The TJM bands by experience, and the salaried reference next to them."""

LEXICON: Traversable = FIXTURES / "lexicon.json"
"""The French and English expressions of each competence and CTO mission (`matching.concepts`)."""
