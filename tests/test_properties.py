"""Properties of the record layout that must hold for any input."""

import json
import logging
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from jobcenter_tui.domain.record import RecordInvalid, parse_record
from jobcenter_tui.logs import install_redaction

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
field_names = st.sampled_from(
    ["first_name", "last_name", "date_of_birth", "ssn", "phone", "email", "income", "veteran", "race",
     "address", "preferences", "education", "sex", "id", "nonsense"]
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(field_names, json_values, max_size=8))
def test_validation_never_crashes_and_names_fields(record: dict) -> None:
    try:
        parsed = parse_record(json.dumps(record), date(2026, 6, 15))
    except RecordInvalid as exc:
        assert exc.errors and all(e["field"] and e["message"] for e in exc.errors)
    else:
        again = parse_record(parsed.to_json_line(), date(2026, 6, 15))
        assert again.to_json_dict() == parsed.to_json_dict()


def test_log_lines_never_carry_an_ssn(caplog) -> None:  # type: ignore[no-untyped-def]
    logger = logging.getLogger("jobcenter.test")
    install_redaction(logger)
    with caplog.at_level(logging.INFO, logger="jobcenter.test"):
        logger.info("looked up %s for %s", "219-09-9999", "Dana")
    assert "219-09-9999" not in caplog.text and "***-**-****" in caplog.text
