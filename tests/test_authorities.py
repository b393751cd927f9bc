"""Authorities from all-authorities.csv (tracker.ingest.authorities), offline and from the demo site."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.ingest import authorities
from tracker.model.config import Config
from tracker.cli.context import Context
from tracker.store.db import open_db
from tracker.demo import demo_site
from tracker.ingest.follow import follow

CURRENT = (
    "Internal ID,Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,Notes,Created at,"
    "Updated at,Version\n"
    "1101,Northbridge City Council,,northbridge_city_council,local_council unitary ons_code:E06000901,"
    "https://www.northbridge.gov.uk,,,,2008-04-30 16:26:01 +0100,2025-06-12 10:04:18 +0100,3\n"
    "1109,Glenmorven Council,,glenmorven_council,scottish_public_authority local_council,"
    "https://www.glenmorven.gov.scot,,,,2008-04-30 16:26:01 +0100,2025-06-12 10:04:18 +0100,2\n"
    '1111,"Hollins Park Primary School, Northbridge",,hollins_park_primary_school,school primary_school,,,,,'
    "2008-04-30 16:26:01 +0100,2025-06-12 10:04:18 +0100,1\n"
    "1112,No URL name,,,academy_trust,,,,,2008-04-30 16:26:01 +0100,2025-06-12 10:04:18 +0100,1\n"
)
OLDER = (
    "Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,Notes,Created at,Updated at,Version\n"
    "Beacon Learning Academy Trust,,beacon_learning_trust,academy_trust,,,,,2007-10-24 11:51:01 +0100,"
    "2007-10-24 11:51:01 +0100,1\n"
)


def rows(db) -> dict[str, tuple]:
    return {row["id"]: (row["name"], row["tags"], row["regime"]) for row in db.query("select * from authorities")}


def test_import_current_and_older_headers(db):
    assert authorities.import_authorities_csv(db, CURRENT.encode("utf-8"), "example.org", "https://example.org") == 3
    assert authorities.import_authorities_csv(db, OLDER, "example.org", "https://example.org") == 1
    assert rows(db) == {
        "example.org/body/northbridge_city_council": (
            "Northbridge City Council", "local_council unitary ons_code:E06000901", "foia"),
        "example.org/body/glenmorven_council": (
            "Glenmorven Council", "scottish_public_authority local_council", "foisa"),
        "example.org/body/hollins_park_primary_school": (
            "Hollins Park Primary School, Northbridge", "school primary_school", "foia"),
        "example.org/body/beacon_learning_trust": ("Beacon Learning Academy Trust", "academy_trust", "foia"),
    }
    assert db["sites"].get("example.org")["base_url"] == "https://example.org"


def test_reimport_updates_in_place_and_a_scottish_site_is_foisa(db):
    authorities.import_authorities_csv(db, CURRENT, "example.org", "https://example.org")
    renamed = CURRENT.replace("Northbridge City Council,", "Northbridge Council,", 1)
    authorities.import_authorities_csv(db, "\ufeff" + renamed, "example.org", "https://example.org")
    assert db["authorities"].count == 3
    assert rows(db)["example.org/body/northbridge_city_council"][0] == "Northbridge Council"
    db["sites"].insert({"id": "scot.example", "base_url": "https://scot.example", "regime": "foisa"})
    authorities.import_authorities_csv(db, OLDER, "scot.example", "https://scot.example")
    assert rows(db)["scot.example/body/beacon_learning_trust"][2] == "foisa"


def test_not_an_authorities_csv_is_one_clear_error(db):
    with pytest.raises(authorities.AuthoritiesCsvError, match="no Name, URL name column"):
        authorities.import_authorities_csv(db, "<html>not a csv</html>", "example.org", "https://example.org")
    assert db["authorities"].count == 0


def test_refresh_fetches_each_followed_sites_csv_with_conditional_get(tmp_path):
    with demo_site(date(2026, 11, 20)) as site:
        context = Context(str(tmp_path / "refresh.db"), Config())
        follow(context.db, [f"{site.base_url}/request/{site.threads[0].slug}"])
        with context.client(extra_hosts={site.host}) as client:
            first = authorities.refresh(context.db, client)
            second = authorities.refresh(context.db, client)
        assert first.imported == {site.host: 15} and first.errors == []
        assert second.unchanged == [site.host] and second.imported == {}
        regimes = {row["url_name"]: row["regime"] for row in context.db.query("select * from authorities")}
        assert regimes["glenmorven_council"] == "foisa" and regimes["northbridge_city_council"] == "foia"
        assert [entry.status for entry in site.requests_for("/body/all-authorities.csv")] == [200, 304]
        site.remove_route("/body/all-authorities.csv")
        with context.client(extra_hosts={site.host}) as client:
            missing = authorities.refresh(context.db, client)
        assert len(missing.errors) == 1 and "404" in missing.errors[0]


def test_cli_imports_the_export_and_the_enriched_dataset(tmp_path):
    """The raw export (docs/alaveteli.md, "all-authorities.csv") and mySociety's enriched dataset,
    whose columns are those of mysociety/wdtk_authorities_list @ c78594eb :
    data/packages/whatdotheyknow_authorities_dataset/authorities.resource.yaml."""
    from click.testing import CliRunner

    from tracker.cli import cli

    export = tmp_path / "all-authorities.csv"
    export.write_text(
        "Internal ID,Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,Notes,Created at,Updated at,Version\n"
        "1,Aberdeen City Council,,aberdeen_city_council,local_council scotland ons:S12000033,,,,,2008-01-01 10:00:00 +0000,2024-01-01 10:00:00 +0000,7\n"
        "2,Oakfield Primary School,,oakfield_primary,school,,,,,2010-01-01 10:00:00 +0000,2024-01-01 10:00:00 +0000,2\n"
    )
    enriched = tmp_path / "authorities.csv"
    enriched.write_text(
        "version,internal-id,name,short-name,url-name,tags,home-page,publication-scheme,disclosure-log,notes,created-at,updated-at,defunct,categories\n"
        "3,77,NHS Lothian,,nhs_lothian,NHSScotland|health,https://example.org,,,,2008-01-01,2024-01-01,False,NHSScotland\n"
        "1,78,Harlow Academy Trust,,harlow_trust,academy_trust|school,,,,,2012-01-01,2024-01-01,False,\n"
    )
    db_path = tmp_path / "a.db"
    runner = CliRunner()
    for path in (export, enriched):
        result = runner.invoke(cli, ["--db", str(db_path), "authorities", "import", str(path), "--site", "https://www.whatdotheyknow.com"])
        assert result.exit_code == 0, result.output
    rows = {row["url_name"]: row for row in open_db(db_path).query("select * from authorities")}
    assert rows["aberdeen_city_council"]["regime"] == "foisa"
    assert rows["nhs_lothian"]["regime"] == "foisa" and rows["nhs_lothian"]["tags"] == "NHSScotland health"
    assert rows["oakfield_primary"]["regime"] == "foia" and rows["harlow_trust"]["tags"] == "academy_trust school"
    assert rows["aberdeen_city_council"]["id"] == "www.whatdotheyknow.com/body/aberdeen_city_council"
    nothing = runner.invoke(cli, ["--db", str(tmp_path / "empty.db"), "authorities", "import"])
    assert nothing.exit_code == 1 and "no site is followed yet" in nothing.stderr
    missing_site = runner.invoke(cli, ["--db", str(db_path), "authorities", "import", str(export)])
    assert missing_site.exit_code == 2 and "needs --site" in missing_site.output
    not_csv = tmp_path / "x.csv"
    not_csv.write_text("a,b\n1,2\n")
    bad = runner.invoke(cli, ["--db", str(db_path), "authorities", "import", str(not_csv), "--site", "https://x.org"])
    assert bad.exit_code == 1 and "not an Alaveteli authorities CSV" in bad.stderr


def test_imported_tags_reach_the_deadlines_of_a_page_without_its_json(tmp_path):
    """The page carries no tags; the school rule comes from the authorities import."""
    from pathlib import Path

    from click.testing import CliRunner

    from tracker.cli import cli
    from tracker.deadlines import UK

    csv_file = tmp_path / "bodies.csv"
    csv_file.write_text("Name,URL name,Tags\nExample City Council,example_city_council,school\n")
    page = tmp_path / "page.html"
    page.write_bytes((Path(__file__).parent / "fixtures" / "synthetic" / "synthetic_request_page_wdtk.html").read_bytes())
    db_path = tmp_path / "s.db"
    runner = CliRunner()
    site = ["--site", "https://www.whatdotheyknow.com"]
    assert runner.invoke(cli, ["--db", str(db_path), "authorities", "import", str(csv_file), *site]).exit_code == 0
    assert runner.invoke(cli, ["--db", str(db_path), "import", str(page)]).exit_code == 0
    row = open_db(db_path)["requests"].get("www.whatdotheyknow.com/request/number_of_parking_fines_issued_i")
    assert row["very_overdue_date"] == UK.add_working_days(date(2024, 1, 8), 60).isoformat()
    assert row["due_date"] == UK.add_working_days(date(2024, 1, 8), 20).isoformat()
