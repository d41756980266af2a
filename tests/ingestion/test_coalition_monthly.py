"""Monthly flow: from report text, from the curated CSVs, and the identities it should obey."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from ingestion.coalition.identities import choose_monthly, identity_breaks
from ingestion.coalition.monthly import (
    is_coalition_url,
    parse_cumulative_csv,
    parse_monthly_csv,
    parse_report_flow,
)
from ingestion.parsing import RawDocument
from ingestion.schemas import STAGED
from tests.conftest import PROJECT, shared_path

SAMPLE = PROJECT / "ingestion" / "sample" / "coalition"


def doc(data: bytes, name: str, content_type: str = "text/plain") -> RawDocument:
    return RawDocument("1" * 64, "coalition_test", "coalition", f"/x/{name}", name, content_type,
                       datetime.now(UTC), data)  # fmt: skip


def test_flow_from_sample_report():
    path = SAMPLE / "monthly_report_2019_04.txt"
    row = parse_report_flow(doc(path.read_bytes(), path.name)).tables[
        "coalition_monthly_reports"].row(0, named=True)  # fmt: skip
    assert row["month_covered"] == date(2019, 4, 1) and row["report_date"] == date(2019, 5, 31)
    got = {k: row[k] for k in ("reports_carried_over", "reports_received", "reports_completed",
                               "credible", "non_credible", "open_at_end", "deaths_in_credible",
                               "cumulative_deaths", "cumulative_strikes")}  # fmt: skip
    assert got == {"reports_carried_over": 122, "reports_received": 7, "reports_completed": 18,
                   "credible": 3, "non_credible": 15, "open_at_end": 111,
                   "deaths_in_credible": 5, "cumulative_deaths": 1302,
                   "cumulative_strikes": 34502}  # fmt: skip
    assert row["strikes_period_end"] == date(2019, 4, 30)
    assert row["origin"] == "report_text" and row["is_coalition_release"] is True


OCTOBER_2017 = """Release No. 20171026-01
October 26, 2017
CJTF-OIR Monthly Civilian Casualty Report

SOUTHWEST ASIA - During the month of September, CJTF-OIR carried over 344 open reports from
previous months and received 302 new reports. The Coalition completed 127 civilian casualty
allegation reports. Of the 127 completed reports, sixteen were assessed to be credible and
resulted in fifty-one unintentional civilian deaths. One hundred and five reports were assessed
to be non-credible and six reports were assessed to be duplicates. 519 reports are still open.

From August 2014 to the end of September 2017, the Coalition conducted a total of 27,566 strikes
that included 56,099 separate engagements. Based on information available, CJTF-OIR assesses at
least 786 civilians have been unintentionally killed by Coalition strikes since the beginning of
Operation Inherent Resolve.
"""  # the team's wording; figures as in cjtf_oir_monthly_reports.csv for 2017-09


def test_flow_with_number_words_and_html():
    html = f"<html><body><article><pre>{OCTOBER_2017}</pre></article></body></html>".encode()
    for d in (doc(OCTOBER_2017.encode(), "r.txt"), doc(html, "r.html", "text/html")):
        row = parse_report_flow(d).tables["coalition_monthly_reports"].row(0, named=True)
        assert row["month_covered"] == date(2017, 9, 1)
        assert (row["credible"], row["non_credible"], row["duplicates"]) == (16, 105, 6)
        assert row["deaths_in_credible"] == 51 and row["cumulative_deaths"] == 786
        assert row["cumulative_engagements"] == 56099
        assert row["strikes_period_end"] == date(2017, 9, 30)


def test_flow_unreadable_report():
    with pytest.raises(ValueError, match="no monthly flow figures"):
        parse_report_flow(doc(b"A press release about something else entirely.", "x.txt"))


def test_real_monthly_csv():
    path = shared_path("corpus", "coalition", "cjtf_oir_monthly_reports.csv")
    result = parse_monthly_csv(doc(path.read_bytes(), path.name, "text/csv"))
    t = result.tables["coalition_monthly_reports"]
    assert t.height == 44 and not result.quarantine  # every row kept, two-source months too
    assert t["month_covered"].n_unique() < t.height
    assert t["report_date"].null_count() == 5  # undated copies stay undated
    assert (t["origin"] == "curated_csv").all()
    coalition = t.filter(pl.col("is_coalition_release"))["source_url"]
    assert coalition.len() > 0 and coalition.map_elements(is_coalition_url).all()
    assert t["revision_stated"].sum() >= 1
    chosen = choose_monthly(t)
    assert chosen.height == t["month_covered"].n_unique()
    breaks = identity_breaks(t)
    assert breaks.height > 0 and set(breaks["rule"]) <= {
        "open_balance",
        "completed_sum",
        "carry_over",
        "cumulative_step",
        "cumulative_monotonic",
    }
    # July 2019's 1,313 is below June's 1,321 and no revision is stated for it
    fell = breaks.filter(pl.col("rule") == "cumulative_monotonic")
    assert fell.filter(pl.col("month_covered") == date(2019, 7, 1)).height == 1


def test_real_cumulative_csv():
    path = shared_path("corpus", "coalition", "cjtf_oir_cumulative_admissions.csv")
    t = parse_cumulative_csv(doc(path.read_bytes(), path.name, "text/csv")).tables[
        "coalition_cumulative_admissions"]  # fmt: skip
    assert t.height == 38 and t["date"].null_count() == 2
    assert t["cumulative_deaths"].min() == 173 and t["cumulative_strikes"].max() == 34791


def test_sample_monthly_csv_choice():
    path = SAMPLE / "monthly_reports.csv"
    t = parse_monthly_csv(doc(path.read_bytes(), path.name, "text/csv")).tables[
        "coalition_monthly_reports"]  # fmt: skip
    april = choose_monthly(t).filter(pl.col("month_covered") == date(2019, 4, 1))
    assert april["is_coalition_release"].to_list() == [True]
    assert t.filter(pl.col("month_covered") == date(2019, 4, 1)).height == 2


def _series() -> pl.DataFrame:
    """Eight months that add up, then each identity broken exactly once."""
    rows, open_prev, cum, strikes = [], 10, 100, 1000
    for i in range(8):
        carried = open_prev + (2 if i == 3 else 0)  # carry_over broken in month 4
        received, credible, non_credible, duplicates, deaths = 5, 1, 2, 1, 3
        completed = credible + non_credible + duplicates
        open_end = carried + received - completed + (1 if i == 1 else 0)  # open_balance, month 2
        non_credible += 1 if i == 2 else 0  # completed_sum, month 3
        cum = cum + deaths + (4 if i == 4 else 0)  # cumulative_step, month 5
        strikes = strikes + 10 - (25 if i in (5, 6) else 0)  # falls in months 6 and 7 ...
        rows.append({
            "report_id": f"r{i}", "source": "t", "origin": "curated_csv",
            "is_coalition_release": True, "report_date": date(2019, i + 2, 1),
            "month_covered": date(2019, i + 1, 1), "reports_carried_over": carried,
            "reports_received": None if i == 7 else received, "reports_completed": completed,
            "credible": credible, "non_credible": non_credible, "duplicates": duplicates,
            "open_at_end": open_end, "deaths_in_credible": deaths, "cumulative_deaths": cum,
            "cumulative_strikes": strikes, "revision_stated": i == 6,  # ... revised in month 7
        })  # fmt: skip
        open_prev = open_end
    # a copy disagreeing with month 2's release: must not be the row chosen
    rows.append(rows[1] | {"report_id": "copy", "is_coalition_release": False,
                           "report_date": date(2019, 12, 1), "open_at_end": 999})  # fmt: skip
    return pl.DataFrame(rows, schema={k: STAGED["coalition_monthly_reports"][k] for k in rows[0]})


def test_each_identity_broken_once():
    breaks = identity_breaks(_series())
    got = {(r["rule"], r["month_covered"].month, r["observed"], r["expected"])
           for r in breaks.iter_rows(named=True)}  # fmt: skip
    assert got == {
        ("open_balance", 2, 13, 12),  # 11 carried + 5 - 4 = 12, stated 13
        ("completed_sum", 3, 4, 5),  # 1 + 3 + 1 = 5, stated 4
        ("carry_over", 4, 16, 14),  # month 3 ended with 14 open
        ("cumulative_step", 5, 119, 115),  # 112 + 3 = 115
        ("cumulative_monotonic", 6, 1035, 1050),  # strikes fell; month 7's fall is a revision
    }
    assert "copy" not in breaks["report_id"].to_list()


def test_singular_wording_is_read():
    """A month with one credible report and one duplicate says so in the singular."""
    from ingestion.coalition.monthly import flow_figures

    text = (
        "During this reporting period, the Coalition completed seven reports. Of the seven "
        "completed reports, one was assessed to be credible and five were assessed to be "
        "non-credible, and one report was assessed to be a duplicate of a previous report."
    )
    f = flow_figures(text)
    assert f["credible"] == 1 and f["non_credible"] == 5 and f["duplicates"] == 1
