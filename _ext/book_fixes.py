"""Narrow fixes to what Sphinx 7.4, docutils 0.21 and myst-nb write.

The first two are found by ``tests/test_browser.py`` in a real browser; neither
can be fixed from the book's Markdown. The third and fourth are for the PDF.

1. Duplicate inline scripts. Sphinx 7.4 registers an inline script added by an
   extension after the builder starts (``app.add_js_file(None, body=...)``)
   twice: once with the file name ``None`` and again, while preparing to write,
   with the name ``''``; the two compare unequal, so the page carries both.
   sphinx-thebe's ``const THEBE_JS_URL = ...`` then runs twice and the browser
   raises "SyntaxError: Identifier 'THEBE_JS_URL' has already been declared"
   on every page. This keeps the first of each identical script.
2. Bibliography roles. docutils 0.21 writes the citation list as
   ``<div role="list">`` whose entries have the deprecated ARIA role
   ``doc-biblioentry``, which is not a list item: axe-core reports the
   critical violation ``aria-required-children`` on the bibliography page.
   The entries become ``role="listitem"``, as the list role requires.
3. Hidden code in the PDF. In the HTML, cells tagged ``hide-input`` show their
   code only on request; a PDF cannot fold, so LaTeX would print all of it.
   For the LaTeX builder the input of such cells is dropped (their outputs
   stay); readers who want the code have the notebooks.
4. Empty table cells in the PDF. An empty cell of a MyST pipe table holds an
   empty paragraph, which LaTeX sets on a line of its own after
   ``\sphinxAtStartPar``, so the row grows twice as tall. For the LaTeX
   builder the empty paragraph is dropped.
5. Column widths in the PDF. A table of ``korean_ott.tables`` carries both a
   ``{tabularcolumns}`` spec (for LaTeX) and ``:widths:`` (for the HTML); the
   LaTeX writer uses the spec and logs, for every table, that it ignores the
   widths. For the LaTeX builder the widths are dropped from tables that have a
   spec, so the build log shows only what needs attention.
6. Slow numbered references. To resolve a ``{numref}``, Sphinx 7.4's standard
   domain unpickles the whole doctree of the target's page, once per
   reference (sphinx-doc/sphinx#12883, open): the LaTeX build, which resolves
   every reference of the book in one pass, spent 14 of its 22 seconds
   unpickling the same nine pages 168 times. While a numref is resolved, each
   page's doctree is unpickled once per build and shared; the resolver only
   reads it (the target node, its type and number), so the output is the same.
7. Slow citations. sphinxcontrib-bibtex 2.7 looks up pybtex's plaintext backend
   for every citation it resolves, and pybtex 0.26 answers each lookup by
   scanning the entry points of every installed package: 69 scans, about
   0.6 s of the HTML build's single-threaded write phase. The backend its entry
   point names is looked up once and registered with pybtex's own
   ``register_plugin``, which pybtex consults first; the class is the same.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

HIDDEN_INPUT_TAGS = {"tag_hide-input", "tag_hide-cell"}


def _script_key(script: Any) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    return (getattr(script, "filename", script) or "", tuple(sorted(attributes.items())))


def fix_page(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        seen: set[tuple] = set()
        unique = []
        for script in scripts:
            key = _script_key(script)
            if key not in seen:
                seen.add(key)
                unique.append(script)
        # A new list: the builder restores its own list after each page.
        context["script_files"] = unique
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def drop_hidden_input_from_pdf(app, doctree, docname: str) -> None:
    if app.builder.format != "latex":
        return
    for cell in list(doctree.findall(nodes.container)):
        if "cell" in cell["classes"] and HIDDEN_INPUT_TAGS & set(cell["classes"]):
            for child in list(cell.children):
                if "cell_input" in child.get("classes", []):
                    cell.remove(child)


def drop_empty_table_paragraphs(app, doctree, docname: str) -> None:
    if app.builder.format != "latex":
        return
    for entry in doctree.findall(nodes.entry):
        for paragraph in list(entry.children):
            if isinstance(paragraph, nodes.paragraph) and not paragraph.children and not paragraph.astext().strip():
                entry.remove(paragraph)


def drop_widths_where_a_column_spec_rules(app, doctree, docname: str) -> None:
    if app.builder.format != "latex":
        return
    from sphinx import addnodes

    for spec in doctree.findall(addnodes.tabular_col_spec):
        table = spec.next_node(nodes.table, siblings=True, descend=False)
        if table is not None and "colwidths-given" in table["classes"]:
            table["classes"].remove("colwidths-given")


#: Doctrees unpickled for numref resolution, by page; emptied when the sources are
#: read again and when the build ends, so a page is never served as it was before.
_numref_doctrees: dict[str, object] = {}


def _forget_numref_doctrees(*_args) -> None:
    _numref_doctrees.clear()


def _resolve_numref_reading_each_doctree_once(original):
    def resolve(self, env, *args, **kwargs):
        unpickle = env.get_doctree

        def shared(docname):
            if docname not in _numref_doctrees:
                _numref_doctrees[docname] = unpickle(docname)
            return _numref_doctrees[docname]

        env.get_doctree = shared  # shadows the method for this call only
        try:
            return original(self, env, *args, **kwargs)
        finally:
            del env.get_doctree  # the environment is pickled later: leave nothing on it

    resolve.__wrapped__ = original
    return resolve


def _register_plaintext_backend_once() -> None:
    import pybtex.plugin

    backend = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")  # from its entry point, once
    pybtex.plugin.register_plugin("pybtex.backends", "plaintext", backend, force=True)


def setup(app) -> dict:
    from sphinx.domains.std import StandardDomain

    _register_plaintext_backend_once()

    if not hasattr(StandardDomain._resolve_numref_xref, "__wrapped__"):
        StandardDomain._resolve_numref_xref = _resolve_numref_reading_each_doctree_once(
            StandardDomain._resolve_numref_xref)
    app.connect("env-before-read-docs", _forget_numref_doctrees)
    app.connect("build-finished", _forget_numref_doctrees)
    # Late priority: run after extensions that add page-specific scripts.
    app.connect("html-page-context", fix_page, priority=900)
    app.connect("doctree-resolved", drop_hidden_input_from_pdf)
    app.connect("doctree-resolved", drop_empty_table_paragraphs)
    app.connect("doctree-resolved", drop_widths_where_a_column_spec_rules)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
