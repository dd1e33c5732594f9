"""Article extraction keeps the whole article when its body is split into several blocks."""

from __future__ import annotations

from pathlib import Path

from gaimon.crawl.normalize import clean_text
from spiders.extract import extract_article, fuller_text

PAGE = Path(__file__).parent / "fixtures" / "extract" / "eu-outlet-article.html"


def paragraphs() -> list[str]:
    from lxml import html

    return [
        p.text_content()
        for p in html.fromstring(PAGE.read_bytes()).xpath("//div[@class='article__body']/p")
    ]


def test_an_article_split_by_ads_and_related_links_is_kept_whole():
    article = extract_article(
        PAGE.read_bytes(),
        "https://eu-affairs.example/digital/ai-act-delay/",
        "text/html; charset=utf-8",
    )
    text = clean_text(article.text)
    kept = [p for p in paragraphs() if p in text]
    assert len(paragraphs()) == 27 and len(kept) == 27  # before: the first block only, 9 of 27
    for boilerplate in (
        "Advertisement",
        "Read more",
        "Standards bodies warn of delays",
        "Privacy policy",
        "Cookie settings",
        "By Elena Marchetti",
    ):
        assert boilerplate not in text
    assert article.title == "EU strikes deal to delay AI Act rules for high-risk systems"
    assert article.published == "2026-06-24T06:12:00+02:00"
    assert article.author == "Elena Marchetti" and article.lang == "en"


def test_a_fuller_text_that_adds_menus_is_not_taken():
    article = "\n".join(paragraphs()[:9])
    menus = "\n".join(
        [
            "Home",
            "Digital",
            "Politics",
            "Economy",
            "Newsletter",
            "Podcasts",
            "Events",
            "Jobs",
            "About us",
            "Contact",
        ]
        * 30
    )
    assert fuller_text(article, article + "\n" + menus) == article
    elsewhere = "\n".join(paragraphs()[9:] * 2)  # longer, but not the same text
    assert fuller_text(article, elsewhere) == article
    whole = "\n".join(paragraphs())
    assert fuller_text(article, whole) == whole
