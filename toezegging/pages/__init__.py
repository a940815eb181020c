"""The register in a browser: the overview (counts, timeline, table), a page per
promise, per ministry and for the feeds, served by `web.py` or written as a static
site by `site.py`.

| module        | holds                                                               |
|---------------|---------------------------------------------------------------------|
| `register.py` | each promise with what the pages derive; filters, counts, figures (pure) |
| `timeline.py` | the timeline's geometry (bars, ghosts, ticks, today) for the SVG     |
| `views.py`    | what each page shows, rendered to HTML                              |
| `render.py`   | the jinja2 environment, the words, dates and states, relative links |
| `site.py`     | the static site: every page, the feeds and the assets as files      |

Wording is data: `words.toml` (Dutch and English), `templates/*.html.j2`, and the CSS
and JS in `static/` (the pages work without the JS; it only adds the copy button).
"""
