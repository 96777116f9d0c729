"""Sphinx extension for the book's editions (``python3 dev.py editions``).

Loaded by ``_config.yml`` (``sphinx.extra_extensions``). It does three things:

* **Download menu.** Every page's download dropdown (sphinx-book-theme's
  ``download-buttons`` group) gets one link per entry of the config value
  ``mfnet_downloads``: a list of ``{"file": ..., "text": ..., "tooltip": ...}``
  with ``file`` relative to the root of the built site (e.g. the PDF of the
  whole book, ``mfnet-book.pdf``, which ``dev.py pdf`` copies there). Every
  edition is linked, built yet or not, so that the order of the builds does not
  matter.
* **Student edition.** With ``mfnet_student = True`` every solution is left out
  of the pages: sphinx-exercise's ``solution`` directives and the gated
  ``solution-start``/``solution-end`` pairs *with* the code cells between them
  (sphinx-exercise's own ``hide_solutions``, version 1.2.1, stops the HTML
  build on a gated solution: "departing unknown node type: solution_end_node").
  The exercises stay.
* **Exercise references in LaTeX.** ``{numref}`` to an exercise of another
  chapter prints "Exercise ??" in the PDF (sphinx-exercise labels exercises
  ``exercise:<label>`` in LaTeX, the number reference asks for
  ``<doc>:<label>``); such references are rewritten to sphinx-exercise's own
  LaTeX reference, which prints the same number as the page.
* **Exercise numbers in LaTeX** as on the pages ("Exercise 6.1", not 6.8.1).
* **Long tables wrap in LaTeX** (a Markdown table over 30 rows has columns that
  never wrap otherwise).
* **Unnumbered parts in LaTeX.** The chapters of a ``_toc.yml`` part without
  ``numbered: true`` (the back matter) are numbered online by nobody; in the
  PDF they get no number either (``secnumdepth`` is lowered at that part and
  restored at a numbered one).
"""
from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)


class RemoveSolutions(SphinxTransform):
    """Student edition: drop every solution (runs after sphinx-exercise's merge)."""

    # sphinx-exercise merges gated solutions (and the cells between start and
    # end) into one solution node at priority 10.
    default_priority = 12

    def apply(self, **kwargs) -> None:
        if not self.config.mfnet_student:
            return
        from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node
        removed = 0
        for node in list(self.document.findall(
                lambda n: isinstance(n, (solution_node, solution_start_node, solution_end_node)))):
            if node.parent is not None:
                node.parent.remove(node)
                removed += 1
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for label in [key for key, entry in registry.items()
                      if str(entry.get("type", "")).startswith("solution")
                      and entry.get("docname") == self.env.docname]:
            del registry[label]
        if removed:
            logger.info(f"[mfnet] student edition: {removed} solution(s) left out of "
                        f"{self.env.docname}")


class ExerciseNumrefForLatex(SphinxPostTransform):
    """Cross-chapter ``{numref}`` to an exercise: sphinx-exercise's LaTeX reference."""

    default_priority = 23  # after sphinx-exercise's reference post-transforms (<= 22)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx import addnodes
        from sphinx_exercise.nodes import exercise_enumerable_node, exercise_latex_number_reference
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for ref in list(self.document.findall(addnodes.number_reference)):
            label = ref.get("refuri", "").rpartition("#")[2] or ref.get("refid", "")
            target = registry.get(label, {}).get("node")
            if not isinstance(target, exercise_enumerable_node):
                continue
            new = exercise_latex_number_reference()
            new.attributes = dict(ref.attributes)
            new["refid"] = label
            for child in ref.children:
                new += child.deepcopy()
            ref.replace_self(new)


class UnnumberedPartsForLatex(SphinxPostTransform):
    """Chapters of unnumbered ``_toc.yml`` parts are unnumbered in the PDF too."""

    # After sphinx-jupyterbook-latex turns the toctree captions into parts (700).
    default_priority = 701
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        site_map = getattr(self.config, "external_site_map", None)
        if site_map is None:
            return
        numbered = {tree.caption: bool(tree.numbered) for tree in site_map.root.subtrees
                    if tree.caption}
        if all(numbered.values()):
            return
        for section in self.document.findall(nodes.section):
            caption = section.get("docname")
            if caption not in numbered or not section.children or not isinstance(
                    section.children[0], nodes.title):
                continue
            # \mfnetsecnumdepth: the document's own depth, saved at \begin{document}.
            depth = r"\mfnetsecnumdepth" if numbered[caption] else "-1"
            section.insert(1, nodes.raw("", f"\\setcounter{{secnumdepth}}{{{depth}}}\n",
                                        format="latex"))


class WrapLongTablesForLatex(SphinxPostTransform):
    """Long tables (over 30 rows: LaTeX longtable) wrap their cells in the PDF.

    For a table without given column widths (every Markdown table), Sphinx writes a
    longtable with ``l`` columns, which never wrap: a long cell runs off the page.
    Such tables get widths in proportion to their columns' longest text (clipped,
    so that a short column stays readable), which makes them wrapping ``\\X``
    columns.
    """

    default_priority = 702
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for table in self.document.findall(nodes.table):
            if "colwidths-given" in table["classes"]:
                continue
            rows = list(table.findall(nodes.row))
            if len(rows) <= 30 and "longtable" not in table["classes"]:
                continue
            for tgroup in table.findall(nodes.tgroup):
                colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
                # characters, plus room for the cell's padding (about 4 characters)
                longest = [12] * len(colspecs)
                for row in tgroup.findall(nodes.row):
                    for k, entry in enumerate(e for e in row.children
                                              if isinstance(e, nodes.entry)):
                        if k < len(longest):
                            longest[k] = max(longest[k], min(60, len(entry.astext()) + 4))
                for colspec, width in zip(colspecs, longest):
                    colspec["colwidth"] = width
            table["classes"] = [c for c in table["classes"] if c != "colwidths-auto"]
            table["classes"].append("colwidths-given")


class SolutionsAtChapterEnd(SphinxPostTransform):
    """PDF: the solutions of a chapter move to a section of their own at its end.

    On paper there is no dropdown to hide a solution, so, as in a printed
    textbook, each exercise says on which page its solution is, and each
    solution on which page its exercise is. Online nothing changes.
    """

    default_priority = 703  # after sphinx-exercise and the transforms above
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx import addnodes
        from sphinx_exercise.nodes import solution_node
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for chapter in list(self.document.findall(addnodes.start_of_file)):
            mine = list(_own(chapter, solution_node))
            top = next((c for c in chapter.children if isinstance(c, nodes.section)), None)
            if not mine or top is None:
                continue
            docname = chapter.get("docname", "")
            section = nodes.section(ids=[f"mfnet-solutions-{docname.replace('/', '-')}"])
            section += nodes.title("", "Solutions")
            for solution, parent in mine:
                label = solution.get("label", "")
                where = registry.get(label, {}).get("docname", docname)
                exercise = solution.get("target_label", "")
                parent.children[parent.children.index(solution)] = nodes.raw(
                    "", "\\par\\noindent\\emph{Solution on page~\\pageref{%s:%s}.}\\par\n"
                    % (where, label), format="latex")
                back = nodes.raw("", "\\noindent\\emph{Exercise on page~"
                                 "\\pageref{exercise:%s}.}\\par\n" % exercise, format="latex")
                title = next((i for i, c in enumerate(solution.children)
                              if isinstance(c, nodes.title)), -1)
                solution.insert(title + 1, back)
                section += solution
            top += section


def _own(chapter, kind):
    """The KIND nodes of one included document (a ``start_of_file`` node of the
    LaTeX builder's single tree), not those of the documents nested in it (a
    part includes its chapters). Walks the children: the ``parent`` links of
    the assembled tree are not all up to date."""
    from sphinx import addnodes
    stack = [(child, chapter) for child in reversed(chapter.children)]
    while stack:
        node, parent = stack.pop()
        if isinstance(node, addnodes.start_of_file):
            continue
        if isinstance(node, kind):
            yield node, parent
            continue
        stack.extend((child, node) for child in reversed(getattr(node, "children", [])))


class ReferencesForPrint(SphinxPostTransform):
    """PDF: references say what they point at, as a printed book does.

    A reference to a chapter prints "Chapter 5" (the online title means
    nothing on paper without its number); one to an unnumbered page (the
    notation, the API reference) keeps its title and adds its page; a
    numbered reference to a figure, a table or an equation adds "on page N"
    when the target is not on the same or the facing page (varioref).
    """

    default_priority = 704
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx import addnodes
        numbers = getattr(self.env, "toc_secnumbers", {})
        for ref in list(self.document.findall(nodes.reference)):
            uri = ref.get("refuri", "")
            if not uri.startswith("%") or not any(
                    "doc" in c.get("classes", []) for c in ref.findall(nodes.inline)):
                continue
            docname = uri[1:].split("#", 1)[0]
            number = numbers.get(docname, {}).get("")
            if number:
                ref.children = []
                ref += nodes.Text(f"Chapter {'.'.join(map(str, number))}")
            else:
                ref.parent.insert(ref.parent.index(ref) + 1, nodes.raw(
                    "", "~(page~\\pageref{%s::doc})" % docname, format="latex"))
        from sphinx_exercise.nodes import exercise_latex_number_reference
        for chapter in list(self.document.findall(addnodes.start_of_file)):
            docname = chapter.get("docname", "")
            for ref, parent in list(_own(chapter, addnodes.number_reference)):
                uri = ref.get("refuri", "")
                if isinstance(ref, exercise_latex_number_reference):
                    target = f"exercise:{ref.get('refid', '')}"
                elif ref.get("refid"):  # in the same document
                    target = f"{docname}:{ref['refid']}"
                elif uri.startswith("%") and "#" in uri:
                    target = uri[1:].replace("#", ":", 1)
                else:
                    continue
                parent.insert(parent.index(ref) + 1, nodes.raw(
                    "", "\\vpageref[]{%s}" % target, format="latex"))


class IndexOfTermsForLatex(SphinxPostTransform):
    """PDF: an index of the main terms (config ``mfnet_index_terms``).

    Each term is indexed where each chapter first uses it, in a paragraph of
    prose (not in code or mathematics), so the index at the back of the book
    says in which chapters a term is used and where it is introduced.
    """

    default_priority = 705
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        import re
        from sphinx import addnodes
        terms = [(term, re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.I))
                 for term in self.config.mfnet_index_terms or []]
        for chapter in self.document.findall(addnodes.start_of_file):
            paragraphs = [p for p, _ in _own(chapter, nodes.paragraph)]
            for term, pattern in terms:
                for paragraph in paragraphs:
                    if pattern.search(paragraph.astext()):
                        key = term[0].upper() + term[1:] if term.islower() else term
                        paragraph += nodes.raw("", "\\index{%s}" % key, format="latex")
                        break


def add_download_links(app, pagename, templatename, context, doctree) -> None:
    """Append the editions (PDF, student edition, offline archive, ...) to the
    download dropdown of every page.

    The links are written whether or not the edition is built yet: the site is
    published with all of them (the Pages workflow and ``.ci/run`` build them
    all), and a menu must not depend on the order of ``dev.py pdf`` and
    ``dev.py book``. ``tests/test_links.py`` accepts these files as not yet
    built; ``tests/test_editions.py`` checks each one once it is.
    """
    downloads = app.config.mfnet_downloads or []
    if not downloads:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for item in downloads:
            if pagename == app.config.root_doc and not (Path(app.outdir) / item["file"]).exists():
                logger.info(f"[mfnet] {item['file']} is not built yet: the menus link it all "
                            "the same (python3 dev.py editions builds it)")
            group["buttons"].append({
                "type": "link",
                "url": context["pathto"](item["file"], 1),
                "text": item["text"],
                "tooltip": item.get("tooltip", item["text"]),
                "icon": item.get("icon", "fas fa-file-pdf"),
                "label": item.get("label", "download-edition-button"),
            })


def reader_launch_links(app, pagename, templatename, context, doctree) -> None:
    """Launch buttons (Colab, Binder) open the reader's notebook, not the source.

    `python3 dev.py notebooks` writes the reader's notebooks (glue written in,
    plain Markdown; mfnet_book/reader.py) and the book workflow publishes them,
    with what they need to run (.binder/, requirements.txt, mfnet, mfnet_book),
    to the branch ``mfnet_reader_branch`` of the repository. sphinx-book-theme
    builds its launch URLs from ``repository_branch``; this swaps in that
    branch: ``.../blob/<branch>/book/NN.ipynb`` (Colab) and
    ``.../v2/gh/<org>/<repo>/<branch>?urlpath=...`` (Binder). The page's own
    ``.ipynb`` download is the reader's notebook too (dev.py notebooks writes
    it over ``_sources``). Kept apart from the editions' hooks above.
    """
    target = app.config.mfnet_reader_branch
    if not target:
        return
    options = app.config.html_theme_options or {}
    branch = options.get("repository_branch") or "master"
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            url = button.get("url", "")
            url = url.replace(f"/blob/{branch}/", f"/blob/{target}/", 1)
            url = re.sub(rf"(/v2/gh/[^/]+/[^/]+/){re.escape(branch)}(?=\?|$)",
                         rf"\g<1>{target}", url, count=1)
            button["url"] = url


def _exercise_numbers_as_online(app) -> None:
    """LaTeX: number exercises (sphinx-exercise: env's figure numbers) as online.

    sphinx-jupyterbook-latex raises ``numfig_secnum_depth`` to 2 for LaTeX, so that
    LaTeX's own counters (figures, equations) reset at each chapter below the
    parts. The environment's numbers, which sphinx-exercise prints, would then
    include the section ("Exercise 6.8.1" where the page says "Exercise 6.1").
    The depth the book asks for is used while the environment numbers things and
    LaTeX's depth is put back before the pages are written.
    """
    from sphinx.builders.latex import LaTeXBuilder
    if not isinstance(app.builder, LaTeXBuilder):
        return
    latex_depth = app.config.numfig_secnum_depth
    app.config.numfig_secnum_depth = getattr(app, "mfnet_book_secnum_depth", 1)

    def restore(app, env) -> None:  # noqa: ARG001
        app.config.numfig_secnum_depth = latex_depth

    # The figure numbers are assigned at env-get-updated, which comes after
    # env-updated; the consistency check comes after both, before writing.
    app.connect("env-check-consistency", restore)


def _remember_secnum_depth(app, config) -> None:
    """The book's numfig_secnum_depth, before sphinx-jupyterbook-latex changes it."""
    app.mfnet_book_secnum_depth = config.numfig_secnum_depth  # no env yet at config-inited


def setup(app):
    app.add_config_value("mfnet_student", False, "env")
    app.add_config_value("mfnet_downloads", [], "html")
    app.add_config_value("mfnet_index_terms", [], "env")
    app.add_config_value("mfnet_reader_branch", "", "html")
    app.add_transform(RemoveSolutions)
    app.add_post_transform(ExerciseNumrefForLatex)
    app.add_post_transform(UnnumberedPartsForLatex)
    app.add_post_transform(WrapLongTablesForLatex)
    app.add_post_transform(SolutionsAtChapterEnd)
    app.add_post_transform(ReferencesForPrint)
    app.add_post_transform(IndexOfTermsForLatex)
    app.connect("config-inited", _remember_secnum_depth)
    # After sphinx-jupyterbook-latex's own builder-inited (priority 500).
    app.connect("builder-inited", _exercise_numbers_as_online, priority=600)
    # After sphinx-book-theme builds the header buttons (priority 501).
    app.connect("html-page-context", add_download_links, priority=502)
    app.connect("html-page-context", reader_launch_links, priority=503)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
