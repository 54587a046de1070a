"""Markdown that issuers write in a badge's criteria ("# Degree Requirements", lists, links)
as safe HTML: CommonMark without raw HTML, then sanitised by an allow-list (nh3: no images,
no attributes but a link's address), so nothing an issuer writes runs or loads on our pages."""
from functools import cache

import nh3
from markdown_it import MarkdownIt

# Headings in criteria are shown as small headings below the page's own (h3 and h4 there).
TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a",
        "h3", "h4", "h5", "h6", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"https", "http", "mailto"}
MAX_INPUT = 20_000


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False})


def _shift_headings(html: str) -> str:
    """h1 and h2 of the issuer become h3 and h4 (and so on): the page has its own h1."""
    for level in range(6, 0, -1):
        shifted = min(level + 2, 6)
        html = html.replace(f"<h{level}>", f"<h{shifted}>").replace(f"</h{level}>",
                                                                    f"</h{shifted}>")
    return html


def safe_html(text: str | None) -> str | None:
    """The text rendered as Markdown to HTML that is safe to insert into a page."""
    if not text:
        return None
    rendered = _shift_headings(_parser().render(text[:MAX_INPUT]))
    return nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                     link_rel="noopener noreferrer nofollow").strip()
