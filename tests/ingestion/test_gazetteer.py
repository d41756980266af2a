"""Gazetteer: one key per place whatever the script or spelling, and belligerent codes."""

from __future__ import annotations

import polars as pl
import pytest

from ingestion import gazetteer
from ingestion.belligerents import BELLIGERENTS, UnknownBelligerent, belligerent_codes
from tests.conftest import shared_path

SPELLINGS = {
    "sy-kobani": ["Kobani", "Koboni", "Kobane", "Ayn al Arab", "Ain al-Arab", "عين العرب"],
    "sy-deir-ez-zor": ["Dayr az Zawr", "Dawr az Zawr", "Deir ez-Zor", "Deir Ezzor", "دير الزور",
                       "Dayr Az Zawr", "Near Dayr Az Zawr"],
    "sy-raqqa": ["Raqqa", "Ar Raqqah", "Al Raqqah", "Raqqah", "الرقة", "near Raqqah", "Ar-Raqqa"],
    "iq-mosul": ["Mosul", "الموصل", "Near Mosul", "Mossul"],
    "sy-baghuz": ["Baghuz", "Al Baghuz Fawqani", "الباغوز", "Baghouz"],
    "sy-aleppo": ["Aleppo", "Halab", "حلب"],
    "sy-hasakah": ["Al Hasakah", "Hassakah", "Hasaka", "Al-Hasakah", "Hasakeh", "الحسكة"],
    "iq-hawija": ["Huwijah", "Al Huwayjah", "Hawijah", "Al Hawayjah"],
    "iq-baghdad": ["Baghdad", "Bagdad", "بغداد"],
}  # fmt: skip


@pytest.mark.parametrize("key", sorted(SPELLINGS))
def test_spellings_share_one_key(key):
    keys = {gazetteer.place_key(name) for name in SPELLINGS[key]}
    assert keys == {key}


def test_country_narrows_and_unlisted_places_are_deterministic():
    assert gazetteer.place_key("Raqqa", "Syria") == gazetteer.place_key("الرقة", "SY") == "sy-raqqa"
    # an unlisted village: Latin and Arabic spellings meet on the consonant skeleton
    assert gazetteer.place_key("Al-Fatih, Jableh District", "SY") == gazetteer.place_key(
        "الفتيح", "SY"
    )
    assert gazetteer.place_key("Al-Fatih", "SY").startswith("sy-")
    assert gazetteer.place_key("Al-Fatih").startswith("xx-")
    assert gazetteer.place_key("") is None and gazetteer.place_key(None) is None


def test_lookup_and_canonical_name():
    info = gazetteer.lookup("Koboni", "Syria")
    assert info["name_en"] == "Kobani" and info["name_ar"] == "عين العرب"
    assert info["country"] == "SY" and 36 < info["latitude"] < 37.5
    assert gazetteer.canonical_name("Ar Raqqah") == "Raqqa"
    assert gazetteer.canonical_name("Dawr az Zawr") == "Deir ez-Zor"
    assert gazetteer.admin1("eastern Hama governorate", "SY") == "Hama"
    assert gazetteer.admin1("Damascus Suburbs", "SY") == "Rif Dimashq"


def test_strike_release_spellings_collapse():
    """The coalition's strike releases spell the same towns many ways."""
    path = shared_path("corpus", "coalition", "cjtf_oir_strike_releases.csv")
    df = pl.read_csv(path, columns=["country", "location"], infer_schema=False).drop_nulls()
    places = df.unique()
    keyed = places.with_columns(
        key=pl.struct("location", "country").map_elements(
            lambda r: gazetteer.place_key(r["location"], r["country"]), return_dtype=pl.String
        )
    )
    assert keyed["key"].null_count() == 0
    assert keyed["key"].n_unique() < 0.6 * keyed["location"].n_unique()
    for name, country, key in [("Koboni", "Syria", "sy-kobani"),
                               ("Dawr Az Zawr", "Syria", "sy-deir-ez-zor"),
                               ("Al Shadaddi", "Syria", "sy-shaddadi"),
                               ("Huwijah", "Iraq", "iq-hawija")]:  # fmt: skip
        hit = keyed.filter((pl.col("location") == name) & (pl.col("country") == country))
        assert hit["key"].to_list() == [key]


def test_belligerent_codes_cover_every_value_in_the_data():
    path = shared_path("corpus", "ngo", "airwars_syria_incidents.csv")
    raw = pl.read_csv(path, columns=["belligerent"], infer_schema=False)["belligerent"]
    codes = {c for v in raw.drop_nulls().unique() for c in belligerent_codes(v)}
    assert codes <= set(BELLIGERENTS)
    assert {"coalition", "russia", "turkey", "sdf", "israel", "iran"} <= codes
    assert belligerent_codes("U.S.-led Coalition, YPG") == ["coalition", "sdf"]
    assert belligerent_codes("Syrian Regime") == ["syrian_government"]
    assert belligerent_codes("Assad forces, ISIS") == ["syrian_government", "isis"]
    assert belligerent_codes("Tribal Forces") == ["unknown"]
    with pytest.raises(UnknownBelligerent):
        belligerent_codes("Martian Military")
