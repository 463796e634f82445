"""The built HTML book, opened in a real browser (Chromium, driven by Playwright).

For every page of ``_toc.yml`` (discovered, never listed here) the page must
load with HTTP 200, log no console error and raise no uncaught exception, load
every image (``naturalWidth > 0``), give every image and figure a non-empty
text alternative, and have no axe-core violation of impact *serious* or
*critical*. A screenshot of each page's first screen is saved under
``_build/screenshots/<page>.png`` for a person to look at. Two further checks:
Hangul on the introduction is drawn with a font that has Hangul glyphs, and the
JavaScript search finds "Netflix".

The pages are served from ``_build/html`` (or ``$BOOK_HTML_DIR``) by a local
``http.server`` on 127.0.0.1 with an ephemeral port; one Chromium and one
browser context serve the whole session, and each page is opened once, its
observations shared by the tests about it. A page's observations are taken once
MathJax has typeset, every image has loaded or failed, and no request the page
made is still in flight (so a late request's failure is seen), without a fixed
wait. The pages are split between two test classes, every other page of the
toc in each: each class is a scope for pytest-xdist's ``--dist loadscope``, so
``make test`` can run the two halves on both workers (each worker opens its own
Chromium); the checks are the same for every page.

Chromium is the system's (``$CHROMIUM``, else ``/usr/bin/chromium``, a
``chromium`` on PATH or macOS's Chromium.app): Playwright's own browser
download is never used. The book must work offline, so nothing leaves the
machine: every request whose host is not the local server is aborted, and
each one fails the page. MathJax is served from the site itself
(``_vendor/mathjax``): on every page with math, each equation must have been
typeset (an ``mjx-container``, no ``mjx-merror``, no raw TeX delimiters left),
and chapter 4 must have equations. Without a build these tests are skipped,
unless BOOK_BUILT is set (as ``make test`` does), when they fail.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HTML = Path(os.environ.get("BOOK_HTML_DIR") or ROOT / "_build" / "html").resolve()
SCREENSHOTS = HTML.parent / "screenshots"
#: The sources the HTML was built from (``<source>/_build/html``), for their _toc.yml.
SOURCE = HTML.parent.parent if (HTML.parent.parent / "_toc.yml").is_file() else ROOT

def _chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/Applications/Chromium.app/Contents/MacOS/Chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return os.environ.get("CHROMIUM") or "/usr/bin/chromium"


CHROMIUM = _chromium()
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
#: axe-core impacts that fail a page; "minor" and "moderate" ones are reported only.
BLOCKING_IMPACTS = {"serious", "critical"}
#: The word the introduction must render in Hangul.
HANGUL_WORD = "약한영웅"
#: A page with equations, which must be typeset.
MATH_PAGE = "chapters/04-expert-views"
#: Any URL that is not on the local server (http://127.0.0.1:PORT/...).
_EXTERNAL = re.compile(r"^(?!https?://127\.0\.0\.1[:/])[a-z][a-z0-9+.-]*://")

pytestmark = pytest.mark.skipif(
    not os.environ.get("BOOK_BUILT") and not HTML.exists(),
    reason=f"the book is not built ({HTML} missing); `make html` builds it, `make test` builds it first")


def toc_pages() -> list[str]:
    """Every page of the built book's ``_toc.yml`` (root, parts, chapters, nested sections, globs), in order."""
    toc = yaml.safe_load((SOURCE / "_toc.yml").read_text(encoding="utf-8"))

    def docname(path: str) -> str:
        for suffix in (".md", ".ipynb"):
            path = path.removesuffix(suffix)
        return path

    pages = [docname(toc["root"])]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(docname(entry["file"]))
            elif "glob" in entry:
                pages.extend(sorted(docname(p.relative_to(SOURCE).as_posix())
                                    for p in SOURCE.glob(entry["glob"] + ".*") if p.suffix in (".md", ".ipynb")))
            for key in ("sections", "chapters", "parts"):
                walk(entry.get(key))

    for key in ("parts", "chapters", "sections"):
        walk(toc.get(key))
    return list(dict.fromkeys(pages))


# --- serving and browsing ----------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def base_url():
    assert HTML.is_dir(), f"{HTML} missing: build the book first (`make html`)"
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="book-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser_context():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} missing: `bash .ci/system-deps browser` says how to install Chromium (or set CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()
            browser.close()


@dataclass
class Visit:
    """What one page showed, gathered once and asserted on by several tests."""
    url: str
    status: int | None
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)
    figures_without_alt: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    axe_violations: list[dict] = field(default_factory=list)


# Marks every lazy image eager, then waits (at most 15 s) for each image to load or fail.
_IMAGES_JS = """async () => {
  const images = Array.from(document.images);
  images.forEach(img => { if (img.loading === "lazy") img.loading = "eager"; });
  const settle = img => img.complete ? Promise.resolve() : new Promise(done => {
    img.addEventListener("load", done, {once: true});
    img.addEventListener("error", done, {once: true});
  });
  await Promise.race([Promise.all(images.map(settle)), new Promise(r => setTimeout(r, 15000))]);
  return images.map(img => ({
    src: img.currentSrc || img.src, naturalWidth: img.naturalWidth, complete: img.complete,
    alt: img.getAttribute("alt"), visible: !!(img.offsetWidth || img.offsetHeight || img.getClientRects().length),
  }));
}"""

# Figures (HTML <figure> and Sphinx's div.figure) must name what they show: an
# <img>/<svg>/<object> inside with a non-empty alt, aria-label or <title>.
_FIGURES_JS = """() => Array.from(document.querySelectorAll("figure, div.figure")).filter(fig => {
  const named = el => (el.getAttribute("alt") || el.getAttribute("aria-label") || "").trim()
      || (el.tagName.toLowerCase() === "svg" && (el.querySelector("title")?.textContent || "").trim());
  const media = Array.from(fig.querySelectorAll("img, svg, object, [role=img]"));
  return media.length === 0 || !media.some(named);
}).map(fig => fig.id || fig.outerHTML.slice(0, 200))"""


# Waits (at most 20 s) for MathJax to finish typesetting, then counts the page's
# math: Sphinx's math elements, MathJax's containers and errors, and raw TeX
# delimiters left in the visible text of the article.
_MATH_JS = r"""async () => {
  const mj = window.MathJax;
  const started = !!(mj && mj.startup && mj.startup.promise);
  if (started) await Promise.race([mj.startup.promise, new Promise(r => setTimeout(r, 20000))]);
  const main = document.querySelector("main") || document.body;
  const text = main.innerText;
  return {
    loaded: started, version: (mj && mj.version) || null,
    script: Array.from(document.scripts).map(s => s.src).filter(src => /mathjax/i.test(src)),
    elements: document.querySelectorAll(".math").length,
    untypeset: Array.from(document.querySelectorAll(".math")).filter(el => !el.querySelector("mjx-container")).length,
    containers: document.querySelectorAll("mjx-container").length,
    errors: document.querySelectorAll("mjx-merror").length,
    raw: (text.match(/\$\$|\\\(|\\\[|\\begin\{/g) || []).length,
  };
}"""


@dataclass
class Watch:
    """Problems a page reported while open: console errors, exceptions, failed or outside requests."""
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    #: Requests sent and neither finished nor failed yet.
    in_flight: set = field(default_factory=set)

    def wait_until_no_request_is_in_flight(self, page, timeout_s: float = 30) -> None:
        """Returns as soon as every request has ended (at once if none is pending).

        Playwright's "networkidle" waits for 500 ms without any request on every
        page; this waits only while something is actually loading. Events are
        delivered while Playwright waits, hence the short waits in the loop.
        """
        deadline = time.monotonic() + timeout_s
        while self.in_flight:
            assert time.monotonic() < deadline, (
                f"requests still loading after {timeout_s:.0f} s: {sorted(r.url for r in self.in_flight)}")
            page.wait_for_timeout(20)


def open_page(context):
    """A new page whose problems are collected; every request to an outside address is aborted and recorded."""
    page = context.new_page()
    watch = Watch()
    page.on("console", lambda m: m.type == "error" and watch.errors.append(
        f"console.error: {m.text} [{m.location.get('url')}]"))
    page.on("pageerror", lambda e: watch.errors.append(f"uncaught exception: {e}"))
    page.on("response", lambda r: r.status >= 400 and watch.failed.append(f"HTTP {r.status} {r.url}"))
    page.on("requestfailed", lambda r: watch.failed.append(f"failed {r.url}: {r.failure}"))
    page.on("request", lambda r: watch.in_flight.add(r))
    page.on("requestfinished", lambda r: watch.in_flight.discard(r))
    page.on("requestfailed", lambda r: watch.in_flight.discard(r))

    def outside(route):
        watch.errors.append(f"request to an outside address (the book must work offline): {route.request.url}")
        route.abort("blockedbyclient")

    page.route(_EXTERNAL, outside)
    return page, watch


@pytest.fixture(scope="session")
def visit(base_url, browser_context):
    """``visit(page)`` opens a toc page once per session and returns its :class:`Visit`."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    cache: dict[str, Visit] = {}

    def _visit(entry: str) -> Visit:
        if entry in cache:
            return cache[entry]
        url = f"{base_url}/{entry}.html"
        page, watch = open_page(browser_context)
        try:
            response = page.goto(url, wait_until="load")
            result = Visit(url=url, status=response.status if response else None)
            result.math = page.evaluate(_MATH_JS)
            result.images = page.evaluate(_IMAGES_JS)
            result.figures_without_alt = page.evaluate(_FIGURES_JS)
            result.screenshot = SCREENSHOTS / f"{entry}.png"
            result.screenshot.parent.mkdir(parents=True, exist_ok=True)
            # The first screen, as a reader opens the page (a full-page shot of a long
            # chapter took 3.5 s and checked nothing more).
            page.screenshot(path=str(result.screenshot))
            # After typesetting, images and the first paint: any font or script
            # they asked for has been requested by now.
            watch.wait_until_no_request_is_in_flight(page)
            # Taken before axe runs: axe-core fetches stylesheets itself and
            # resolves their @import against the page's URL, so its own 404 for
            # "../basic.css" would otherwise be blamed on the page.
            result.console_errors = list(watch.errors)
            result.failed_requests = list(watch.failed)
            result.axe_violations = axe.run(page).response["violations"]
        finally:
            page.close()
        (SCREENSHOTS / f"{entry}.axe.json").write_text(
            json.dumps(result.axe_violations, indent=1, ensure_ascii=False), encoding="utf-8")
        cache[entry] = result
        return result

    return _visit


# --- one test per page and property ------------------------------------------

PAGES = toc_pages()


class _EveryPageChecks:
    """The checks every page of the toc passes; the subclasses below choose the pages."""

    def test_page_loads(self, visit, entry):
        result = visit(entry)
        status, url, screenshot = result.status, result.url, result.screenshot
        assert status == 200, f"{url} answered HTTP {status}"
        assert screenshot and screenshot.stat().st_size > 0, f"no screenshot of {url}"

    def test_no_console_errors(self, visit, entry):
        result = visit(entry)
        problems = result.console_errors + result.failed_requests
        assert not problems, f"{entry}: " + "\n  ".join(problems)

    def test_every_image_loaded(self, visit, entry):
        broken = [img["src"] for img in visit(entry).images if not img["naturalWidth"]]
        assert not broken, f"{entry}: images that did not load: {broken}"

    def test_every_image_and_figure_has_alt_text(self, visit, entry):
        result = visit(entry)
        missing = [img["src"] for img in result.images if not (img["alt"] or "").strip()]
        assert not missing, f"{entry}: <img> without alt text: {missing}"
        assert not result.figures_without_alt, f"{entry}: figures without a text alternative: {result.figures_without_alt}"

    def test_no_serious_accessibility_violations(self, visit, entry):
        blocking = [v for v in visit(entry).axe_violations if v.get("impact") in BLOCKING_IMPACTS]
        report = "\n".join(
            f"  {v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in blocking)
        assert not blocking, f"{entry}: axe-core violations of impact serious/critical:\n{report}"

    def test_math_is_typeset_offline(self, visit, entry):
        """Every equation of the page was typeset by the MathJax served from the site."""
        result = visit(entry)
        math = result.math
        if not math["elements"] and entry != MATH_PAGE:
            return
        assert math["loaded"], f"{entry}: MathJax did not start (scripts: {math['script']})"
        assert math["version"] and math["version"].startswith("3."), f"{entry}: MathJax {math['version']}, expected 3.x"
        local = result.url.split("/")[:3]  # http: '' 127.0.0.1:PORT
        assert math["script"] and all(src.split("/")[:3] == local for src in math["script"]), (
            f"{entry}: MathJax not loaded from the local site: {math['script']}")
        assert math["elements"] and not math["untypeset"], f"{entry}: {math['untypeset']} of {math['elements']} equations not typeset"
        assert math["containers"] >= math["elements"], math
        assert not math["errors"], f"{entry}: {math['errors']} MathJax errors (mjx-merror)"
        assert not math["raw"], f"{entry}: {math['raw']} raw TeX delimiters left in the text"


# Two halves, every other page in each, so that the long chapters fall in both:
# pytest-xdist's loadscope gives each class (a scope) to a worker of its own.

@pytest.mark.parametrize("entry", PAGES[0::2])
class TestFirstOfEveryTwoPages(_EveryPageChecks):
    pass


@pytest.mark.parametrize("entry", PAGES[1::2])
class TestSecondOfEveryTwoPages(_EveryPageChecks):
    pass


def test_the_math_page_has_equations():
    assert MATH_PAGE in PAGES, f"{MATH_PAGE} is no longer in _toc.yml: choose another page with equations"


# --- Hangul and search ---------------------------------------------------------

def korean_font_families() -> set[str]:
    """Families that fontconfig (which Chromium uses on Linux) says cover Korean."""
    fc_list = shutil.which("fc-list")
    assert fc_list, "fc-list (fontconfig, a dependency of chromium) is needed to tell which fonts have Hangul"
    out = subprocess.run([fc_list, ":lang=ko", "family"], check=True, capture_output=True, text=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def test_intro_hangul_is_rendered_with_a_hangul_font(base_url, browser_context):
    """The word is in the DOM, and Chromium drew each of its glyphs with a font that has Hangul.

    ``document.fonts.check('16px "Noto Sans CJK KR"')`` cannot show this: it
    only says whether a *web* font still has to be downloaded, and returns true
    for any installed or even non-existent family. Instead the word's text is
    wrapped in a probe <span> (inheriting the page's styles) and the DevTools
    protocol call ``CSS.getPlatformFontsForNode`` reports which platform fonts
    actually drew its glyphs, and how many each; every glyph must come from a
    family that fontconfig lists for ``:lang=ko``. A missing Korean font makes
    Chromium fall back to a font without Hangul and draw empty boxes ("tofu"),
    which this catches.
    """
    entry = toc_pages()[0]
    page, _ = open_page(browser_context)
    try:
        page.goto(f"{base_url}/{entry}.html", wait_until="load")
        assert HANGUL_WORD in page.inner_text("main"), f"{HANGUL_WORD} not in the text of {entry}"
        wrapped = page.evaluate("""word => {
          const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(word);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + word.length);
            const probe = document.createElement("span");
            probe.setAttribute("data-hangul-probe", "");
            range.surroundContents(probe);
            return probe.getBoundingClientRect().width;
          }
          return null;
        }""", HANGUL_WORD)
        assert wrapped, f"{HANGUL_WORD} is not laid out as visible text on {entry}"
        cdp = browser_context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        document = cdp.send("DOM.getDocument", {"depth": 0})
        node = cdp.send("DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": "[data-hangul-probe]"})
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        cdp.detach()
    finally:
        page.close()
    korean = korean_font_families()
    drawn = sum(font["glyphCount"] for font in fonts)
    assert drawn == len(HANGUL_WORD), f"expected {len(HANGUL_WORD)} glyphs, fonts report {fonts}"
    without_hangul = [font["familyName"] for font in fonts if font["familyName"] not in korean]
    assert not without_hangul, (
        f"{HANGUL_WORD} drawn with fonts that have no Hangul: {without_hangul}; Korean fonts installed: "
        f"{sorted(korean) or 'none (apt-get install fonts-noto-cjk)'}")


def test_search_finds_netflix(base_url, browser_context):
    page, watch = open_page(browser_context)
    try:
        response = page.goto(f"{base_url}/search.html?q=Netflix", wait_until="load")
        assert response and response.status == 200
        # Sphinx's searchtools.js loads searchindex.js, then fills #search-results.
        page.wait_for_selector("#search-results ul.search li", timeout=20_000)
        results = page.locator("#search-results ul.search li a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        summary = page.inner_text("#search-results")
    finally:
        page.close()
    assert results, f"no search results for 'Netflix': {summary[:300]}"
    assert any(href and ".html" in href for href in results), results
    assert not watch.errors + watch.failed, watch.errors + watch.failed
