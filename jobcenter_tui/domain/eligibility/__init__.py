"""Who may enroll in which program, why, and what is still missing (spec: eligibility.md)."""

from jobcenter_tui.domain.eligibility.config import (
    RULES_REVISION,
    ConfigError,
    EligibilityConfig,
    LlsilTable,
    PovertyTable,
    build_config,
    llsil_region_problems,
    parse_llsil_csv,
)
from jobcenter_tui.domain.eligibility.rules import (
    ELIGIBLE,
    INELIGIBLE,
    NEEDS_INFORMATION,
    EligibilityResult,
    ProgramResult,
    age_on,
    evaluate,
    low_income,
)

__all__ = [
    "ELIGIBLE", "INELIGIBLE", "NEEDS_INFORMATION", "RULES_REVISION", "ConfigError", "EligibilityConfig",
    "EligibilityResult", "LlsilTable", "PovertyTable", "ProgramResult", "age_on", "build_config", "evaluate",
    "llsil_region_problems", "low_income", "parse_llsil_csv",
]
