"""Trend charts: one small multiple per public value, stories per week over the trailing weeks.

The same geometry is drawn twice: as SVG for the HTML and PDF versions, and as PNG (Pillow)
for e-mail clients, which do not show SVG. Every chart carries a text alternative.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup, escape
from PIL import Image, ImageDraw, ImageFont

from gaimon.digest.model import Light, Section

WIDTH = 340
GAP = 24
ROW = 44
TOP = 18
LINE_TOP, LINE_HEIGHT = 18, 20
LINE_WIDTH = 290
PNG_SCALE = 2
INK = {"red": "#b03a2e", "amber": "#b9770e", "green": "#1e8449", "grey": "#7b8a8b"}
AXIS = "#d5d8dc"
TEXT = "#222222"


@dataclass(frozen=True)
class Chart:
    """The drawable form of a section's trends: panels in `columns` columns."""

    sector: str
    rows: list[Light]
    weeks: list[str]
    peak: int
    columns: int = 1

    @property
    def width(self) -> int:
        return self.columns * WIDTH + (self.columns - 1) * GAP

    @property
    def height(self) -> int:
        return TOP + ROW * -(-len(self.rows) // self.columns) + 4

    def origin(self, row: int) -> tuple[int, int]:
        """Top left of a value's panel."""
        return (row % self.columns) * (WIDTH + GAP), TOP + ROW * (row // self.columns)

    def base(self, row: int) -> int:
        return self.origin(row)[1] + LINE_TOP + LINE_HEIGHT

    def points(self, row: int) -> list[tuple[float, float]]:
        series = self.rows[row].trend
        x0 = self.origin(row)[0]
        step = LINE_WIDTH / max(len(series) - 1, 1)
        base = self.base(row)
        return [
            (round(x0 + i * step, 1), round(base - LINE_HEIGHT * n / self.peak, 1))
            for i, n in enumerate(series)
        ]

    def label_y(self, row: int) -> int:
        return self.origin(row)[1] + 13

    @property
    def cid(self) -> str:
        return f"trend-{self.sector}@gaimon"


def chart(section: Section, weeks: list[str], columns: int = 1) -> Chart | None:
    rows = section.charted
    if not rows:
        return None
    return Chart(
        section.sector, rows, weeks, max(max(r.trend) for r in rows), min(columns, len(rows))
    )


def alt_text(c: Chart, strings: dict[str, str]) -> str:
    """What the chart shows, in words: the series per value, oldest week first."""
    parts = [
        f"{r.name}: {', '.join(str(n) for n in r.trend)} ({strings['colour_' + r.colour]})"
        for r in c.rows
    ]
    return (
        strings["chart_alt"].format(first=c.weeks[0], last=c.weeks[-1], n=len(c.weeks))
        + " "
        + "; ".join(parts)
        + "."
    )


def _short(week: str) -> str:
    return week.split("-")[1]


def svg(c: Chart, strings: dict[str, str], fluid: bool = True) -> Markup:
    """Inline SVG; `fluid` scales it down to the width of a phone (browsers), else it keeps
    its size (print, where WeasyPrint would stretch an auto height)."""
    uid = f"trend-{c.sector}"
    style = "max-width:100%;height:auto;display:block" if fluid else "max-width:100%;display:block"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {c.width} {c.height}" '
        f'width="{c.width}" '
        f'height="{c.height}" style="{style}" role="img" aria-labelledby="{uid}-t {uid}-d">',
        f'<title id="{uid}-t">{escape(strings["chart_title"])}</title>',
        f'<desc id="{uid}-d">{escape(alt_text(c, strings))}</desc>',
        f'<g font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="11" fill="{TEXT}">',
    ]
    for column in range(c.columns):
        x0 = column * (WIDTH + GAP)
        out += [
            f'<text x="{x0}" y="11" fill="#555">{escape(_short(c.weeks[0]))}</text>',
            f'<text x="{x0 + LINE_WIDTH}" y="11" text-anchor="end" '
            f'fill="#555">{escape(_short(c.weeks[-1]))}</text>',
        ]
    for i, row in enumerate(c.rows):
        x0 = c.origin(i)[0]
        points = c.points(i)
        ink = INK[row.colour]
        base = c.base(i)
        last_x, last_y = points[-1]
        out += [
            f'<text x="{x0}" y="{c.label_y(i)}">{escape(row.name)}</text>',
            f'<line x1="{x0}" y1="{base}" x2="{x0 + LINE_WIDTH}" y2="{base}" stroke="{AXIS}" '
            'stroke-width="1"/>',
            f'<polyline fill="none" stroke="{ink}" stroke-width="2" stroke-linejoin="round" '
            f'points="{" ".join(f"{x},{y}" for x, y in points)}"/>',
            f'<circle cx="{last_x}" cy="{last_y}" r="3" fill="{ink}"/>',
            f'<text x="{x0 + WIDTH}" y="{base}" text-anchor="end" font-weight="bold" fill="{ink}">'
            f"{row.trend[-1]}</text>",
        ]
    out.append("</g></svg>")
    return Markup("".join(out))


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf") if bold else ("DejaVuSans.ttf",):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: float) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def png(c: Chart) -> bytes:
    """The chart as a PNG at twice its CSS size, for sharp text on phones."""
    s = PNG_SCALE
    image = Image.new("RGB", (c.width * s, c.height * s), "white")
    draw = ImageDraw.Draw(image)
    font, bold = _font(11 * s), _font(11 * s, bold=True)
    for column in range(c.columns):
        x0 = column * (WIDTH + GAP)
        draw.text((x0 * s, 11 * s), _short(c.weeks[0]), font=font, fill="#555555", anchor="ls")
        draw.text(
            ((x0 + LINE_WIDTH) * s, 11 * s),
            _short(c.weeks[-1]),
            font=font,
            fill="#555555",
            anchor="rs",
        )
    for i, row in enumerate(c.rows):
        x0 = c.origin(i)[0]
        ink = INK[row.colour]
        base = c.base(i)
        draw.text(
            (x0 * s, c.label_y(i) * s),
            _fit(draw, row.name, font, WIDTH * s),
            font=font,
            fill=TEXT,
            anchor="ls",
        )
        draw.line([(x0 * s, base * s), ((x0 + LINE_WIDTH) * s, base * s)], fill=AXIS, width=s)
        points = [(x * s, y * s) for x, y in c.points(i)]
        draw.line(points, fill=ink, width=2 * s, joint="curve")
        x, y = points[-1]
        draw.ellipse([x - 3 * s, y - 3 * s, x + 3 * s, y + 3 * s], fill=ink)
        draw.text(
            ((x0 + WIDTH) * s, base * s), str(row.trend[-1]), font=bold, fill=ink, anchor="rs"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(series: list[int], peak: int | None = None) -> str:
    """The trend as block characters, for the Markdown and plain-text versions."""
    top = peak or max(series) or 1
    steps = len(BLOCKS) - 1
    return "".join(
        BLOCKS[max(1, min(round(n / top * steps), steps))] if n else BLOCKS[0] for n in series
    )
