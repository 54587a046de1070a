"""Criteria in Markdown become safe HTML: structure kept, nothing that runs or loads."""
from eigendossier.core.markdown import safe_html


def test_headings_lists_and_links_are_kept_below_the_pages_own_headings():
    html = safe_html("# Degree Requirements\n\n- Praktijkexamen\n- **Kennistoets**\n\n"
                     "[Examenreglement](https://roc.example/regels)")
    assert "<h3>Degree Requirements</h3>" in html
    assert "<li><strong>Kennistoets</strong></li>" in html
    assert ('<a href="https://roc.example/regels" rel="noopener noreferrer nofollow">'
            "Examenreglement</a>") in html
    assert "#" not in html


def test_scripts_handlers_images_and_javascript_links_do_not_survive():
    html = safe_html('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
                     "![spy](https://tracker.example/p.gif)\n\n[klik](javascript:alert(3))\n\n"
                     '<a href="https://x.example" onclick="alert(4)">a</a>')
    # Raw HTML shows as text, escaped; the image and the javascript: link are no elements.
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html
    assert "<img" not in html
    assert "tracker.example" not in html
    assert "<p>[klik](javascript:alert(3))</p>" in html
    assert html.count("<") == html.count("<p>") + html.count("</p>")


def test_nothing_in_nothing_out():
    assert safe_html(None) is None
    assert safe_html("") is None
