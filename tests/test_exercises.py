"""Exercises a course can grade (issue #14).

1. The parser of exercises and gated solutions (``korean_ott.exercises``) and
   its errors, on small synthetic notebooks.
2. Every notebook of the book with exercises gives each one a gated solution
   with code, and every value a solution states is glued by its own code.
3. Each such chapter runs as a student runs it: the chapter without its
   solutions, then every solution cell, with the project's kernel in
   ``chapters/``. The values the solutions glue must equal, exactly, those in
   the committed notebook: the solutions stand alone after the chapter and
   state what their code computes. Where no chapter code follows a solution,
   that run is the committed notebook's own order, which strict nbval executes
   and compares in ``make test``; only otherwise is it executed here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from traitlets import default

from korean_ott import exercises
from korean_ott.prose import book_pages

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


# --- 1. the parser, on synthetic notebooks -----------------------------------------

def exercise(label, text="Compute it."):
    return new_markdown_cell(f"```{{exercise}}\n:label: {label}\n\n{text}\n```")


def start(label, after=""):
    return new_markdown_cell(f"```{{solution-start}} {label}\n:class: dropdown\n```\n{after}")


def end(text):
    return new_markdown_cell(f"{text}\n\n```{{solution-end}}\n```")


def glued(key, value, *, shown="result"):
    """A code cell whose stored outputs glue ``key`` and (unless ``shown`` is empty) print a line."""
    outputs = [nbformat.from_dict({
        "output_type": "display_data", "metadata": {"scrapbook": {"name": key, "mime_prefix": exercises.GLUE_MIME}},
        "data": {exercises.GLUE_MIME + "text/plain": value}})]
    if shown:
        outputs.append(nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": shown + "\n"}))
    cell = new_code_cell(f"glue_number({key!r}, {value})")
    cell.outputs = outputs
    return cell


def notebook(*cells):
    return new_notebook(cells=list(cells))


def solved(n=1, key=None):
    key = key or f"t_ex{n}_total"
    return [exercise(f"t-ex-{n}"), start(f"t-ex-{n}"), glued(key, "4"),
            end(f"The total is {{glue:text}}`{key}`.")]


def problems_of(nb) -> str:
    with pytest.raises(exercises.ExerciseError) as caught:
        exercises.parse(nb, "x.ipynb")
    return str(caught.value)


def test_a_gated_solution_is_found_with_its_cells():
    nb = notebook(new_markdown_cell("# Chapter"), new_code_cell("x = 1"), *solved(1), *solved(2))
    chapter = exercises.parse(nb, "x.ipynb")
    assert [e.label for e in chapter.exercises] == ["t-ex-1", "t-ex-2"]
    assert [(s.exercise.label, s.first_cell, s.last_cell, s.code_cells) for s in chapter.solutions] == [
        ("t-ex-1", 3, 5, (4,)), ("t-ex-2", 7, 9, (8,))]
    assert chapter.unsolved == []


def test_an_exercise_and_its_solution_start_may_not_share_a_cell():
    both = new_markdown_cell("```{exercise}\n:label: t-ex-1\n\nDo it.\n```\n\n"
                             "```{solution-start} t-ex-1\n:class: dropdown\n```")
    message = problems_of(notebook(both, glued("t_ex1_a", "1"), end("{glue:text}`t_ex1_a`")))
    assert "x.ipynb" in message and "cell 0: the solution-start to t-ex-1 must open its cell" in message


def test_a_solution_without_an_exercise_is_refused():
    message = problems_of(notebook(exercise("t-ex-1"), start("t-ex-9"), glued("t_ex1_a", "1"),
                                   end("{glue:text}`t_ex1_a`")))
    assert "cell 1: a solution to 't-ex-9', but no exercise of this notebook has that label (labels: t-ex-1)" in message


def test_an_unclosed_solution_is_refused():
    message = problems_of(notebook(exercise("t-ex-1"), start("t-ex-1"), glued("t_ex1_a", "1"),
                                   new_markdown_cell("{glue:text}`t_ex1_a`")))
    assert "cell 1: the solution to t-ex-1 is not closed (no solution-end after it)" in message


def test_a_solution_opened_inside_another_is_refused():
    message = problems_of(notebook(exercise("t-ex-1"), exercise("t-ex-2"), start("t-ex-1"), glued("t_ex1_a", "1"),
                                   start("t-ex-2"), end("{glue:text}`t_ex1_a`")))
    assert "cell 4: a solution-start inside the solution to t-ex-1 opened in cell 2, which is not closed" in message


def test_an_end_without_a_start_is_refused():
    message = problems_of(notebook(exercise("t-ex-1"), end("Done.")))
    assert "cell 1: a solution-end with no solution-start before it" in message


def test_text_after_the_solution_end_is_refused():
    cell = new_markdown_cell("{glue:text}`t_ex1_a`\n\n```{solution-end}\n```\n\n## Next section")
    message = problems_of(notebook(exercise("t-ex-1"), start("t-ex-1"), glued("t_ex1_a", "1"), cell))
    assert "cell 3: the solution-end to t-ex-1 must close its cell" in message


def test_a_solution_without_a_code_cell_is_refused():
    message = problems_of(notebook(exercise("t-ex-1"), start("t-ex-1", "It is four."), end("Four.")))
    assert "cells 1-2: the solution to t-ex-1 has no code cell" in message


def test_a_removed_solution_code_cell_is_refused():
    code = glued("t_ex1_a", "1")
    code.metadata["tags"] = ["remove-cell"]
    message = problems_of(notebook(exercise("t-ex-1"), start("t-ex-1"), code, end("{glue:text}`t_ex1_a`")))
    assert "cell 2: a code cell of the solution to t-ex-1 is tagged remove-cell" in message


def test_a_stated_value_must_be_glued_by_the_solution_itself():
    nb = notebook(glued("t_total", "4"), exercise("t-ex-1"), start("t-ex-1"), glued("t_ex1_a", "1"),
                  end("{glue:text}`t_ex1_a` and {glue:text}`t_total` and "
                      "{glue:text}`other.ipynb::t_ex1_b:s`"))
    message = problems_of(nb)
    assert "cell 4: the solution to t-ex-1 states {glue}`t_total`, which no code cell of that solution glues" in message
    assert "states {glue}`other.ipynb::t_ex1_b`" in message
    assert "t_ex1_a`, which" not in message


def test_a_value_glued_in_another_solution_does_not_count():
    nb = notebook(*solved(1), exercise("t-ex-2"), start("t-ex-2"), glued("t_ex2_b", "2"),
                  end("{glue:text}`t_ex2_b` and {glue:text}`t_ex1_total`"))
    message = problems_of(nb)
    assert "cell 7: the solution to t-ex-2 states {glue}`t_ex1_total`" in message
    assert "cell 7: uses {glue}`t_ex1_total`, a key of the solution to t-ex-1, outside that solution" in message


def test_a_solution_key_used_in_the_chapter_is_refused():
    nb = notebook(*solved(1), new_markdown_cell("As the exercise finds, {glue:text}`t_ex1_total:d`."))
    assert "cell 4: uses {glue}`t_ex1_total`, a key of the solution to t-ex-1, outside that solution" in problems_of(nb)


def test_a_solution_key_glued_outside_its_solution_is_refused():
    nb = notebook(glued("t_ex1_total", "4"), *solved(1))
    assert "cell 0: key 't_ex1_total' of the solution to t-ex-1 is also glued outside that solution" in problems_of(nb)


def test_solution_keys_carry_their_exercise_number():
    nb = notebook(*solved(1, key="t_total"))
    assert "key 't_total' of the solution to t-ex-1 (exercise 1) should be named <prefix>_ex1_..." in problems_of(nb)


def test_a_solution_whose_code_shows_nothing_is_refused():
    nb = notebook(exercise("t-ex-1"), start("t-ex-1"), glued("t_ex1_a", "1", shown=""), end("{glue:text}`t_ex1_a`"))
    assert "cells 1-3: the code of the solution to t-ex-1 shows nothing" in problems_of(nb)


def test_output_rules_can_be_skipped_for_an_unexecuted_notebook():
    code = new_code_cell("glue_number('t_ex1_a', 1)")
    nb = notebook(exercise("t-ex-1"), start("t-ex-1"), code, end("{glue:text}`t_ex1_a`"))
    assert len(exercises.parse(nb, "x.ipynb", check_outputs=False).solutions) == 1
    assert "states {glue}`t_ex1_a`, which no code cell" in problems_of(nb)


def test_unsolved_and_ungated_solutions_are_listed():
    ungated = new_markdown_cell("```{exercise}\n:label: t-ex-2\n\nDo.\n```\n\n"
                                "````{solution} t-ex-2\n:class: dropdown\n\nIt is {glue:text}`t_x`.\n````")
    chapter = exercises.parse(notebook(*solved(1), ungated), "x.ipynb")
    assert [e.label for e in chapter.unsolved] == ["t-ex-2"]
    assert chapter.ungated_solutions == ((4, "t-ex-2"),)


def test_student_run_moves_the_solutions_after_the_chapter():
    body = [new_markdown_cell("# Chapter"), new_code_cell("x = 1")]
    tail = [new_markdown_cell("## After the exercises"), new_code_cell("y = 2")]
    nb = notebook(*body[:1], *solved(1), *body[1:], *solved(2), *tail)
    chapter = exercises.parse(nb, "x.ipynb")
    run = exercises.student_run(nb, chapter)
    sources = [cell.source for cell in run.notebook.cells]
    assert sources[:run.first_solution_cell] == [
        "# Chapter", nb.cells[1].source, "x = 1", nb.cells[6].source, "## After the exercises", "y = 2"]
    assert sources[run.first_solution_cell:] == [nb.cells[i].source for i in (2, 3, 4, 7, 8, 9)]
    assert len(nb.cells) == 12, "the notebook itself is left as it was"


def test_strip_command_writes_the_chapter_without_solutions(tmp_path):
    nb = notebook(new_markdown_cell("# Chapter"), *solved(1), new_markdown_cell("## Caveats"))
    source, target = tmp_path / "ch.ipynb", tmp_path / "handout.ipynb"
    nbformat.write(nb, source)
    assert exercises.main(["strip", str(source), str(target)]) == 0
    handout = nbformat.read(target, as_version=4)
    assert [cell.source for cell in handout.cells] == ["# Chapter", nb.cells[1].source, "## Caveats"]
    assert exercises.main(["strip", str(source), str(source)]) == 2
    assert exercises.main(["check", str(source)]) == 0
    assert exercises.main(["strip", str(source)]) == 2


def test_strip_command_refuses_a_broken_notebook(tmp_path, capsys):
    source, target = tmp_path / "ch.ipynb", tmp_path / "out.ipynb"
    nbformat.write(notebook(exercise("t-ex-1"), start("t-ex-1")), source)
    assert exercises.main(["strip", str(source), str(target)]) == 1
    assert "ch.ipynb: 1 problem(s)" in capsys.readouterr().err
    assert not target.exists()


# --- 2. the book's chapters: every exercise has a gated solution with code ----------

def with_exercises() -> list[Path]:
    """Notebooks of the book with an exercise directive (found without parsing, so a broken one fails below)."""
    return [path for path in book_pages() if path.suffix == ".ipynb"
            and any(cell.cell_type == "markdown" and exercises.EXERCISE.search(cell.source)
                    for cell in nbformat.read(path, as_version=4).cells)]


CHAPTERS_WITH_EXERCISES = with_exercises()


def test_the_book_has_exercises():
    assert len(CHAPTERS_WITH_EXERCISES) >= 1


@pytest.mark.parametrize("path", CHAPTERS_WITH_EXERCISES, ids=[p.name for p in CHAPTERS_WITH_EXERCISES])
def test_every_exercise_has_a_gated_solution_stating_only_what_it_glues(path):
    chapter = exercises.parse(path)  # raises, listing every broken rule
    assert not chapter.ungated_solutions, (
        f"{path.name}: one-block {{solution}} directives (cells "
        f"{', '.join(str(cell) for cell, _ in chapter.ungated_solutions)}) cannot hold code; "
        "use {solution-start} ... {solution-end} around code cells")
    assert not chapter.unsolved, (
        f"{path.name}: exercises without a gated solution: "
        + ", ".join(f"{e.label} (cell {e.cell})" for e in chapter.unsolved))


# --- 3. the student run: the chapter, then its solutions ------------------------------

class CurrentEnvironment(KernelSpecManager):
    """The kernel of the Python running the tests, as ``nbval --nbval-current-env`` starts it."""

    def get_kernel_spec(self, kernel_name):
        return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                          display_name="current environment", language="python")


class CurrentEnvironmentKernel(AsyncKernelManager):
    @default("kernel_spec_manager")
    def _current_environment(self):
        return CurrentEnvironment(data_dir=self.data_dir)


def executes_as_committed(committed, run: exercises.StudentRun) -> bool:
    """Whether the student run executes exactly the committed notebook's code cells, in the
    same order: true when no chapter code cell follows a solution."""
    def code(cells):
        return [cell["source"] for cell in cells if cell["cell_type"] == "code"]

    return code(run.notebook.cells) == code(committed.cells)


def solution_glue_differences(committed, chapter, cwd: Path) -> list[str]:
    """Execute the student run; what its solutions glue that differs from the committed notebook."""
    run = exercises.student_run(committed, chapter)
    NotebookClient(run.notebook, kernel_manager_class=CurrentEnvironmentKernel, kernel_name="python3",
                   timeout=600, resources={"metadata": {"path": str(cwd)}}).execute()
    produced = exercises.solution_glue(run.notebook.cells[run.first_solution_cell:])
    expected = exercises.solution_glue(committed.cells[i] for i in chapter.solution_cells)
    problems = []
    if produced.keys() != expected.keys():
        problems.append(f"keys glued only in the student run: {sorted(produced.keys() - expected.keys())}; "
                        f"only in the committed notebook: {sorted(expected.keys() - produced.keys())}")
    problems += [f"{key}: committed {expected[key]}, student run {produced[key]}"
                 for key in expected.keys() & produced.keys() if produced[key] != expected[key]]
    return problems


@pytest.mark.parametrize("path", CHAPTERS_WITH_EXERCISES, ids=[p.name for p in CHAPTERS_WITH_EXERCISES])
def test_solutions_run_after_the_chapter_give_the_committed_values(path):
    """A chapter whose solutions come after all its other code runs, as a student runs it, exactly
    as committed: strict nbval then executes that very run and compares every output, the
    solutions' glue records included (an edited record fails it), so it is not executed twice.
    A chapter with code after a solution is executed here as the student runs it."""
    committed = nbformat.read(path, as_version=4)
    chapter = exercises.parse(committed, path.name)
    if chapter.unsolved or not chapter.solutions:
        pytest.fail(f"{path.name}: not every exercise has a gated solution (see the test above)")
    if executes_as_committed(committed, exercises.student_run(committed, chapter)):
        assert path.parent == CHAPTERS, f"{path} is outside chapters/, where make test runs nbval"
        return
    problems = solution_glue_differences(committed, chapter, CHAPTERS)
    assert not problems, f"{path.name}: solutions glue other values after the chapter:\n" + "\n".join(problems)


def test_a_chapter_with_code_after_a_solution_is_executed_as_the_student_runs_it(tmp_path):
    """The path the book's chapters do not take today, kept working on a small notebook: a
    chapter cell after the solution changes what the solution glues in the student run."""
    glue = "from korean_ott.glue import glue_number\n"
    nb = notebook(new_code_cell("x = 1"), exercise("t-ex-1"), start("t-ex-1"),
                  new_code_cell(glue + "glue_number('t_ex1_x', x)"), end("It is {glue:text}`t_ex1_x`."),
                  new_code_cell("x = 2"))
    NotebookClient(nb, kernel_manager_class=CurrentEnvironmentKernel, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    chapter = exercises.parse(nb, "t.ipynb")
    assert not executes_as_committed(nb, exercises.student_run(nb, chapter))
    problems = solution_glue_differences(nb, chapter, tmp_path)
    assert problems and "t_ex1_x" in problems[0], problems
