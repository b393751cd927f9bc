"""The scraper stays on the sites it was given, and caps what it reads."""

from __future__ import annotations

from click.testing import CliRunner

from tracker.cli import cli
from tracker.store.db import open_db
from tracker.demo.server import SampleSite

PAGE = """<!DOCTYPE html><html><head><meta property="og:url" content="{base}/request/own_request"></head><body>
<div id="content"><div class="request-header"><h1>Own request</h1>
<p class="request-header__subtitle"><a href="/user/me">Me</a> made this Freedom of Information request to
<a href="/body/council">Council</a></p>
<div id="request_status" class="request-status-message request-status-message--successful"></div></div>
<div class="outgoing correspondence" id="outgoing-1"><div class="correspondence__header">
<span class="correspondence__header__author">Me</span>
<a class="correspondence__header__date" href="#outgoing-1"><time datetime="2024-01-08T09:15:04+00:00">8 Jan</time></a></div>
<div class="correspondence_text"><div><p>See <a href="{other}/request/elsewhere">{other}/request/elsewhere</a>
and <img src="{other}/pixel.gif"></p></div></div></div>
</div></body></html>"""

LISTING = """<!DOCTYPE html><html><body><div id="content">
<div class="request_listing"><span class="head"><a href="/request/own_request">Own</a></span></div>
<div class="request_listing"><span class="head"><a href="{other}/request/elsewhere">Elsewhere</a></span></div>
</div></body></html>"""


def test_links_in_pages_listings_and_letters_are_never_followed_off_site(tmp_path):
    with SampleSite() as other, SampleSite() as site:
        other.set_route("/request/elsewhere", "<html>not ours</html>")
        site.set_route("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
        site.set_route("/request/own_request", PAGE.format(base=site.base_url, other=other.base_url))
        site.set_route("/body/council", LISTING.format(other=other.base_url))
        # A redirect off-site is refused too.
        site.set_route("/request/moved", "", status=301, headers={"Location": f"{other.base_url}/request/elsewhere"})
        db_path = tmp_path / "sec.db"
        runner = CliRunner()
        assert runner.invoke(cli, ["--db", str(db_path), "follow", f"{site.base_url}/body/council"]).exit_code == 0
        assert runner.invoke(cli, ["--db", str(db_path), "follow", f"{site.base_url}/request/moved"]).exit_code == 0
        result = runner.invoke(cli, ["--db", str(db_path), "poll"])
        assert other.log == []  # not one request reached the other host
        db = open_db(db_path)
        assert {row["slug"] for row in db.query("select slug from requests")} == {"own_request", "moved"}
        assert f"host {other.host} is not in the allowed hosts" in result.stderr
        assert db["messages"].count == 1


def test_canned_query_parameters_are_bound_never_formatted_into_sql(tmp_path):
    """Datasette binds :named parameters; no canned query builds SQL from a value."""
    import asyncio
    import re

    import yaml

    from tracker.web import publish

    metadata = yaml.safe_load(publish.METADATA.read_text())
    queries = metadata["databases"]["*"]["queries"]
    assert len(queries) >= 7
    for name, query in queries.items():
        sql = query["sql"]
        assert not re.search(r"\{[a-z_]+\}|%s|%\([a-z_]+\)s", sql), name  # no formatting placeholders
        for parameter in query.get("params", []):
            assert f":{parameter}" in sql, (name, parameter)

    db_path = tmp_path / "x.db"
    from tracker.store.db import open_db, save_thread
    from tests.test_db import make_thread

    save_thread(open_db(db_path), make_thread(), "2024-02-01T00:00:00+00:00")
    datasette = publish.make_datasette(db_path)
    hostile = ["' or 1=1 --", "x'; drop table requests; --", '" or ""="', "%' union select id, url, title from requests --"]

    async def rows(name: str, query: dict, value: str):
        params = {parameter: value for parameter in query.get("params", [])}
        response = await datasette.client.get(f"/x/{name}.json", params={**params, "_shape": "array"})
        assert response.status_code == 200, (name, value, response.text[:200])
        return response.json()

    async def run_all():
        for name, query in queries.items():
            if not query.get("params"):
                continue
            harmless = await rows(name, query, "zz-matches-nothing-zz")
            for value in hostile:
                assert len(await rows(name, query, value)) == len(harmless), (name, value)

    asyncio.run(run_all())
    db = open_db(db_path)
    assert db["requests"].count == 1 and "requests" in db.table_names()


# ---------------------------------------------------------------------------------------------
# Imports cannot forge identity or add a host to polling


def followed_and_polled(site, db_path, slug: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db_path), "follow", f"{site.base_url}/request/{slug}"]).exit_code == 0
    assert runner.invoke(cli, ["--db", str(db_path), "poll"]).exit_code == 0


def test_a_saved_page_reusing_another_requests_message_ids_is_refused(tmp_path):
    from datetime import date

    from tracker.demo import DemoSite

    with DemoSite(date(2026, 11, 20)) as site:
        thread = next(t for t in site.threads if len(t.messages) >= 3 and t.slug not in site.without_json)
        db_path = tmp_path / "forged.db"
        followed_and_polled(site, db_path, thread.slug)
        page = site.route(f"/request/{thread.slug}").body.decode()
    before = {table: list(open_db(db_path).query(f"select * from {table} order by 1"))
              for table in ("requests", "messages", "attachments", "annotations")}
    forged = page.replace(f"/request/{thread.slug}", "/request/forged_copy")
    for message in thread.messages:
        forged = forged.replace(message.body_text.splitlines()[0], "Overwritten by the forged page.")
    saved = tmp_path / "forged.html"
    saved.write_text(forged)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(saved)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"belongs to {thread.id}, not {site.host}/request/forged_copy: refused" in errors[0]
    assert f"({len(thread.messages)} message(s) of another request claimed; nothing saved)" in errors[0]
    db = open_db(db_path)
    assert {table: list(db.query(f"select * from {table} order by 1")) for table in before} == before
    marked = db.execute("select error from fetches where url = ?", [saved.resolve().as_uri()]).fetchone()[0]
    assert "refused" in marked


def test_a_saved_page_naming_another_host_never_makes_poll_contact_it(tmp_path):
    from datetime import date

    from tracker.demo import DemoSite

    with DemoSite(date(2026, 11, 20)) as site, SampleSite() as elsewhere:
        thread = next(t for t in site.threads if t.slug not in site.without_json)
        db_path = tmp_path / "hosts.db"
        followed_and_polled(site, db_path, thread.slug)
        page = site.route(f"/request/{thread.slug}").body.decode().replace(site.base_url, elsewhere.base_url)
        saved = tmp_path / "elsewhere.html"
        saved.write_text(page)
        runner = CliRunner()
        result = runner.invoke(cli, ["--db", str(db_path), "import", str(saved)])
        assert result.exit_code == 0, result.output
        foreign_url = f"{elsewhere.base_url}/request/{thread.slug}"
        assert f"its site is not followed, so it is not polled; 'foi-tracker follow {foreign_url}'" in result.stderr
        db = open_db(db_path)
        assert db["requests"].get(f"{elsewhere.host}/request/{thread.slug}")["url"] == foreign_url  # stored
        assert {row["site_id"] for row in db.query("select site_id from follows")} == {site.host}
        for command in (["poll", "--all"], ["poll"], ["authorities", "import"]):
            assert runner.invoke(cli, ["--db", str(db_path), *command]).exit_code == 0
        assert elsewhere.log == []  # not one request reached the host the page named
        assert site.requests_for(f"/request/{thread.slug}")

        # `follow` is what adds a host to polling.
        assert runner.invoke(cli, ["--db", str(db_path), "follow", foreign_url]).exit_code == 0
        runner.invoke(cli, ["--db", str(db_path), "poll", "--all"])
        assert elsewhere.log
