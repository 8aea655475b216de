"""Charts drawn on the server as SVG, so the war room needs no chart library and no script
to show them: hourly series in, accessible markup out. Pure: no ORM, no clock.

Each chart is a ``<figure>`` with one small bar chart per series (posts and mentions differ by
orders of magnitude, so they get a scale each rather than two axes on one), every SVG named
by its ``<title>`` and ``aria-labelledby``, and the same figures as a table that only screen
readers see. The SVGs have a ``viewBox`` and no fixed size: they take the container's width,
down to a phone's.

Hours are the rollups' hours (``monitoring.HourlyCount``: whole UTC hours), labelled by when
they start in IST; IST is five and a half hours ahead, so they read 09:30, 10:30...
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from itcell.core.clock import IST
from itcell.warroom.selectors import Hourly

#: The drawing's own units; the SVG scales to its container.
WIDTH, HEIGHT = 480, 150
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 24
#: An hour label under every third bar: eight labels fit a phone's width.
LABEL_EVERY = 3
#: Text and axes; each bar colour reads at 4.5:1 or more on white (WCAG AA).
INK = "#3d3d45"
GRID = "#d5d9e0"


@dataclass(frozen=True)
class Series:
    """One measure per hour: ``values[i]`` counts the hour that starts at ``hours[i]``."""

    key: str  # "posts" or "mentions": names the SVG for scripts and tests
    label: str  # what it counts, in the reader's language ("Posts published")
    values: tuple[int, ...]
    colour: str


def hour_label(hour: datetime) -> str:
    """When an hour starts, in IST ("09:30")."""
    return hour.astimezone(IST).strftime("%H:%M")


def nice_top(largest: int) -> int:
    """The y axis's top: the smallest 1, 2 or 5 times a power of ten at or above
    ``largest`` (at least 1), so the midline is a round number too when it can be."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if largest <= factor * step:
                return factor * step
        step *= 10


def bar_chart(*, title: str, hours: Sequence[datetime], series: Series, ident: str) -> SafeString:
    """One series as an SVG bar chart, an hour a bar, with its y axis (0, half, top) and
    IST hour labels. ``ident`` makes the ids of its title unique on the page."""
    title_id = f"{ident}-{series.key}-title"
    desc_id = f"{ident}-{series.key}-desc"
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    parts: list[str] = [
        format_html(
            '<svg class="war-chart-svg" viewBox="0 0 {} {}" role="img" aria-labelledby="{} {}"'
            ' data-series="{}" preserveAspectRatio="xMidYMid meet">'
            '<title id="{}">{}</title><desc id="{}">{}</desc>',
            WIDTH,
            HEIGHT,
            title_id,
            desc_id,
            series.key,
            title_id,
            title,
            desc_id,
            summary(hours, series.values),
        )
    ]
    if not hours:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="{}" font-size="13">{}</text>',
                WIDTH // 2,
                HEIGHT // 2,
                INK,
                _("No figures for this period."),
            )
        )
        parts.append("</svg>")
        return _joined(parts)
    top = nice_top(max(series.values, default=0))
    for tick in sorted({0, top // 2, top} if top > 1 else {0, top}):
        y = base - plot_h * tick / top
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
                '<text x="{}" y="{}" text-anchor="end" fill="{}" font-size="12">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                INK if tick == 0 else GRID,
                LEFT - 4,
                f"{y + 4:.1f}",
                INK,
                tick,
            )
        )
    slot = plot_w / len(hours)
    for i, (hour, value) in enumerate(zip(hours, series.values, strict=True)):
        x = LEFT + i * slot
        height = plot_h * value / top
        label = hour_label(hour)
        parts.append(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"'
                ' data-hour="{}" data-value="{}"><title>{}</title></rect>',
                f"{x + slot * 0.15:.1f}",
                f"{base - height:.1f}",
                f"{slot * 0.7:.1f}",
                f"{height:.1f}",
                series.colour,
                label,
                value,
                f"{label} IST: {value}",
            )
        )
        if i % LABEL_EVERY == 0:
            parts.append(
                format_html(
                    '<text class="hour" x="{}" y="{}" text-anchor="middle" fill="{}"'
                    ' font-size="12">{}</text>',
                    f"{x + slot / 2:.1f}",
                    HEIGHT - 6,
                    INK,
                    label,
                )
            )
    parts.append("</svg>")
    return _joined(parts)


def _joined(parts: list[str]) -> SafeString:
    # Every part is a constant or came through format_html, which escaped its values.
    return mark_safe("".join(parts))  # noqa: S308


def summary(hours: Sequence[datetime], values: Sequence[int]) -> str:
    """The series in one sentence, for those who cannot see the bars."""
    if not hours or not any(values):
        return _("None in this period.")
    peak = max(range(len(values)), key=lambda i: (values[i], i))
    return _("{total} in all; the most, {most}, in the hour from {hour} IST.").format(
        total=sum(values), most=values[peak], hour=hour_label(hours[peak])
    )


def hourly_figure(
    *, caption: str, hours: Sequence[datetime], series: Sequence[Series], ident: str
) -> SafeString:
    """A figure of one bar chart per series over the same hours, with the figures hour by
    hour as a table that only screen readers see."""
    charts = format_html_join(
        "",
        '<div class="war-chart-one"><p class="war-chart-label" aria-hidden="true">'
        '<span class="swatch" style="background:{}"></span>{}</p>{}</div>',
        (
            (
                s.colour,
                s.label,
                bar_chart(title=f"{s.label}, {caption}", hours=hours, series=s, ident=ident),
            )
            for s in series
        ),
    )
    head = format_html_join("", '<th scope="col">{}</th>', ((s.label,) for s in series))
    rows = format_html_join(
        "",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (
                f"{hour_label(hour)} IST",
                format_html_join("", "<td>{}</td>", ((s.values[i],) for s in series)),
            )
            for i, hour in enumerate(hours)
        ),
    )
    if hours:
        table = format_html(
            '<table class="war-sr-only"><caption>{}</caption><thead><tr><th scope="col">{}</th>{}'
            "</tr></thead><tbody>{}</tbody></table>",
            caption,
            _("Hour starting (IST)"),
            head,
            rows,
        )
    else:
        table = format_html('<p class="war-sr-only">{}</p>', _("No figures for this period."))
    return format_html(
        '<figure class="war-chart" id="{}"><figcaption>{}</figcaption>'
        '<div class="war-chart-row">{}</div>{}</figure>',
        ident,
        capfirst(caption),
        charts,
        table,
    )


#: Posts in the party's blue, mentions in a dark orange: 7.9:1 and 7.0:1 on white.
POSTS_COLOUR = "#0b5394"
MENTIONS_COLOUR = "#9a2c00"


def activity(hourly: Hourly, *, caption: str, ident: str) -> SafeString:
    """Deliveries published and mentions per hour (``selectors.get_hourly``) as a figure."""
    return hourly_figure(
        caption=caption,
        hours=hourly.hours,
        series=[
            Series("posts", _("Deliveries published"), hourly.posts, POSTS_COLOUR),
            Series("mentions", _("Mentions"), hourly.mentions, MENTIONS_COLOUR),
        ],
        ident=ident,
    )
