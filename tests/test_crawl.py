"""Real Scrapy crawls of fixture feeds served on 127.0.0.1, each in its own process."""

import json
from pathlib import Path

from gaimon.crawl.run import crawl_source
from gaimon.ops import steps
from gaimon.registry import load_registry

FIXTURES = Path(__file__).parent / "fixtures"


def staged_items(report):
    return [json.loads(line) for line in report.staged_file.read_text().splitlines()]


def test_rss_with_follow_stages_articles_with_clean_url_utc_date_and_text(home, registry):
    report = crawl_source(
        load_registry(registry).get("zorgnieuws"), home, registry, day="2026-11-28"
    )
    items = {i["title"]: i for i in staged_items(report)}
    assert report.ok and report.staged == 2
    chatbot = items["Huisartsen waarschuwen voor chatbot die verkeerd medisch advies geeft"]
    assert chatbot["canonical_url"].endswith("/artikel/chatbot-advies.html")
    assert "utm_source" not in chatbot["canonical_url"]
    assert chatbot["published"] == "2026-11-17T08:30:00Z"
    assert "Landelijke Huisartsen Vereniging" in chatbot["text"]  # from the article page
    assert "Privacyverklaring" not in chatbot["text"]  # boilerplate left out
    assert chatbot["lang"] == "nl"
    assert len(chatbot["content_hash"]) == 64


def test_atom_feed_without_follow_uses_the_summary(home, registry):
    report = crawl_source(
        load_registry(registry).get("techpolicy"), home, registry, day="2026-11-28"
    )
    items = {i["title"]: i for i in staged_items(report)}
    probe = items["Regulator opens GDPR probe into chatbot training on personal data"]
    assert probe["published"] == "2026-11-18T06:15:00Z"
    assert "personal data scraped without consent" in probe["text"]
    assert probe["author"] == "Sam Patel"


def test_recrawl_of_the_same_day_stores_nothing_new(home, registry):
    source = load_registry(registry).get("techpolicy")
    crawl_source(source, home, registry, day="2026-11-28")
    first = steps.load_pending(home, day="2026-11-28")
    crawl_source(source, home, registry, day="2026-11-28")
    second = steps.load_pending(home, day="2026-11-28")
    assert first.new == 2
    assert (second.new, second.changed) == (0, 0)


def test_crawl_command_and_sources_check_report_health(home, tmp_path):
    from pathlib import Path

    from typer.testing import CliRunner

    from gaimon.cli import app
    from gaimon.ops.corpus_server import CorpusServer
    from gaimon.registry import localize_registry

    fixtures = Path(__file__).parent / "fixtures"
    runner = CliRunner()
    with CorpusServer(fixtures / "crawl") as server:
        registry = localize_registry(
            fixtures / "sources_crawl.yaml", server.base, tmp_path / "s.yaml"
        )
        crawled = runner.invoke(
            app,
            [
                "crawl",
                "--home",
                str(home.root),
                "--sources",
                str(registry),
                "--source",
                "observatory",
                "--source",
                "kapotte_api",
            ],
        )
    assert crawled.exit_code == 0, crawled.output
    assert "observatory: 2 staged, 0 error(s)" in crawled.output
    assert "loaded: 4 new" in crawled.output
    checked = runner.invoke(app, ["sources", "check", "--home", str(home.root), "--json"])
    health = {h["source"]: h for h in json.loads(checked.output)}
    assert checked.exit_code == 0, checked.output  # degraded is not flagged: it still staged items
    observatory = health["observatory"]
    assert observatory["status"] == "ok" and observatory["last_success_at"]
    assert observatory["last_volume"] == 2 and observatory["last_error"] is None
    broken = health["kapotte_api"]
    assert broken["status"] == "degraded" and broken["errors_last_run"] == 2
    assert "malformed JSON" in broken["last_error"] or "HTML page" in broken["last_error"]
    assert health["dagblad"]["status"] == "never" and health["dagblad"]["kind"] == "rss"
    # One judgement: `gaimon health` shows the very same rows.
    shown = runner.invoke(app, ["health", "--home", str(home.root), "--json"])
    assert shown.exit_code == 0 and json.loads(shown.output) == json.loads(checked.output)


def test_a_line_cut_off_by_a_killed_crawl_costs_only_that_item(home, registry):
    source = load_registry(registry).get("techpolicy")
    staged = home.staging / "2026-11-28" / "techpolicy.jsonl"
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_text('{"source": "techpolicy", "url": "http://exa')  # killed mid-write
    crawl_source(source, home, registry, day="2026-11-28")
    report = steps.load_pending(home, day="2026-11-28")
    assert report.new == 2
    assert len(report.errors) == 1 and "techpolicy.jsonl:1" in report.errors[0]


def _long_feed(folder, count: int) -> None:
    """An RSS 2.0 feed of `count` items, each linking to an article page on the same site."""
    items = "".join(
        f"""
    <item>
      <title>Bericht {n} over generatieve AI in de zorg</title>
      <link>{{base}}/artikel/chatbot-advies.html?id={n}</link>
      <guid isPermaLink="false">zorg-{2000 + n}</guid>
      <pubDate>Tue, 17 Nov 2026 09:{n % 60:02d}:00 +0100</pubDate>
      <description>Samenvatting van bericht {n}.</description>
    </item>"""
        for n in range(1, count + 1)
    )
    (folder / "feeds").mkdir(parents=True)
    (folder / "feeds" / "lang.xml").write_text(
        f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Zorgnieuws Vandaag</title>
    <link>{{base}}/</link>
    <description>Nieuws over de zorg</description>
    <language>nl</language>{items}
  </channel>
</rss>
""",
        encoding="utf-8",
    )
    (folder / "artikel").mkdir()
    article = FIXTURES / "site" / "artikel" / "chatbot-advies.html"
    (folder / "artikel" / article.name).write_bytes(article.read_bytes())
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (folder / "sources.yaml").write_text(
        """sources:
  - name: langfeed
    kind: rss
    url: "{base}/feeds/lang.xml"
    lang: nl
    follow: true
    description: a feed longer than the state's save interval (fixture)
""",
        encoding="utf-8",
    )


def _lines(path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def test_a_crawl_killed_mid_feed_loses_no_item_and_stages_none_twice(home, tmp_path):
    import signal
    import subprocess
    from collections import Counter

    from flows_world import Output

    from gaimon import warehouse
    from gaimon.crawl.run import crawl_command
    from gaimon.home import REPO_ROOT
    from gaimon.ops.corpus_server import CorpusServer
    from gaimon.registry import localize_registry
    from spiders.pipelines import SAVE_EVERY

    count = SAVE_EVERY + 10  # the state is saved once before the kill
    site = tmp_path / "site"
    _long_feed(site, count)
    # The last article's first request is held, so the crawl is still running when all
    # other items are staged.
    held = {
        "path": "/artikel/chatbot-advies.html",
        "query": {"id": str(count)},
        "hold": True,
        "times": 1,
    }
    staged = home.staging / "2026-11-28" / "langfeed.jsonl"
    with CorpusServer(site, routes=[held]) as server:
        registry = localize_registry(site / "sources.yaml", server.base, tmp_path / "s.yaml")
        source = load_registry(registry).get("langfeed")
        # At DEBUG, Scrapy logs "Scraped from" once the pipeline has staged an item.
        command, env = crawl_command(
            source, home, registry, "2026-11-28", extra_settings={"LOG_LEVEL": "DEBUG"}
        )
        crawl = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            Output(crawl.stdout).wait_for(
                lambda lines: sum("Scraped from" in line for line in lines) >= count - 1,
                f"{count - 1} items staged",
                timeout=180,
            )
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.wait()
        assert _lines(staged) == count - 1
        server.release()
        crawl_source(source, home, registry, day="2026-11-28")
    urls = Counter(json.loads(line)["canonical_url"] for line in staged.read_text().splitlines())
    assert len(urls) == count and set(urls.values()) == {1}
    assert steps.load_pending(home, day="2026-11-28").new == count
    with warehouse.open_warehouse(home.warehouse) as con:
        stored = con.execute("SELECT count(*) FROM documents WHERE source = 'langfeed'").fetchone()
    assert stored == (count,)
