"""One figure of the speed table: what we measured, its baseline measured in the same run, and the goal.

Every benchmark module that feeds `benchmarks/run` exposes

    def figures(home: Path, seekers: int) -> list[Figure]

(``home``: a JOBCENTER_HOME holding a demo store of ``seekers`` seekers, made by `benchmarks/run`
when missing). `benchmarks/run` prints them as one table (or JSON with ``--json``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    what: str  # "name-prefix search (3 letters), p95 through services"
    ours: float  # the figure, in ``unit``
    unit: str  # "ms", "s", "records/s", "MB"
    baseline: float | None  # the same thing done the plainest way, measured in the same run
    baseline_what: str  # "raw sqlite3 query on the same index"
    goal: str  # "<= 1.5x raw", "<= 100 ms"
    met: bool  # does ``ours`` meet ``goal``?
    spread: str = ""  # e.g. "p50 3.1 / p95 4.0 / max 9.2", or "best 0.31 / median 0.34 of 5 runs"
    note: str = ""  # what bounds it when the goal is not met

    @property
    def ratio(self) -> float | None:
        """ours / baseline, or for rates (higher is better) baseline / ours — always "times worse"."""
        if not self.baseline:
            return None
        if self.unit.endswith("/s"):
            return self.baseline / self.ours if self.ours else None
        return self.ours / self.baseline

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}
