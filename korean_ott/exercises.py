"""A chapter's exercises and their gated solutions, read from the notebook.

Each exercise is an ``{exercise}`` directive with a ``:label:``. Its solution is
a block of whole cells written with sphinx-exercise's gated directives::

    [Markdown]  ```{solution-start} whc-ex-1      <- opens its cell
                :class: dropdown
                ```
                (optional words on the approach)
    [code]      computes the answer from the chapter's objects, shows it, and
                glues every value the solution states under ``<prefix>_ex1_...``
    [Markdown]  the result, stated only through {glue:text}`<prefix>_ex1_...`
                ```{solution-end}                  <- closes its cell
                ```

:func:`parse` finds the exercises and solution blocks and refuses, naming the
notebook, the cell and the rule: a solution to no exercise of the notebook, a
block that is not closed (or an end without a start), a start or end directive
sharing its cell with text outside the solution, a solution with no code cell
or with a removed code cell, and, in an executed notebook, a value a solution
states that its own code cells do not glue, a solution key glued or used
outside its solution, or a solution whose code shows nothing.

:func:`student_run` puts the solution cells after the rest of the chapter, as
a student would run them; ``tests/test_exercises.py`` executes that order and
checks that the solutions glue the values the committed chapter states.
:func:`strip_solutions` gives the chapter to hand out without its solutions::

    python -m korean_ott.exercises strip chapters/01-weak-hero-class.ipynb ch1-exercises.ipynb
    python -m korean_ott.exercises check chapters/01-weak-hero-class.ipynb
"""

from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

GLUE_MIME = "application/papermill.record/"

_FENCE = r"^ {0,3}(?P<fence>`{3,}|:{3,})"
EXERCISE = re.compile(_FENCE + r"\{exercise(?:-start)?\}[^\n]*\n(?P<options>(?:[ \t]*:[\w-]+:[^\n]*\n)*)",
                      re.MULTILINE)
LABEL_OPTION = re.compile(r"^[ \t]*:label:[ \t]*(?P<label>\S+)", re.MULTILINE)
SOLUTION_START = re.compile(_FENCE + r"\{solution-start\}[ \t]*(?P<label>\S*)[^\n]*\n", re.MULTILINE)
SOLUTION_END = re.compile(_FENCE + r"\{solution-end\}[^\n]*\n", re.MULTILINE)
#: sphinx-exercise's one-block ``{solution}`` directive, which cannot hold code cells.
UNGATED_SOLUTION = re.compile(_FENCE + r"\{solution\}[ \t]*(?P<label>\S*)", re.MULTILINE)
GLUE_REFERENCE = re.compile(r"\{glue(?::\w+)?\}`(?P<ref>[^`]+)`"
                            r"|^ {0,3}(?:`{3,}|:{3,})\{glue(?::\w+)?\}[ \t]+(?P<directive_ref>\S+)", re.MULTILINE)
#: A code cell whose input or whole cell the book leaves out cannot be a solution's code.
REMOVING_TAGS = ("remove-cell", "remove-input")


class ExerciseError(ValueError):
    """A notebook's exercises or solutions break a rule; the message lists every problem."""


@dataclass(frozen=True)
class Exercise:
    label: str
    number: int  #: 1 for the notebook's first exercise, as sphinx-exercise numbers them
    cell: int


@dataclass(frozen=True)
class Solution:
    exercise: Exercise
    first_cell: int  #: the cell that opens with ``{solution-start}``
    last_cell: int   #: the cell that closes with ``{solution-end}``
    code_cells: tuple[int, ...]

    @property
    def cells(self) -> range:
        return range(self.first_cell, self.last_cell + 1)


@dataclass(frozen=True)
class ChapterExercises:
    name: str
    exercises: tuple[Exercise, ...]
    solutions: tuple[Solution, ...]
    #: ``(cell, label)`` of every one-block ``{solution}`` directive (not gated, so no code).
    ungated_solutions: tuple[tuple[int, str], ...] = field(default=())

    @property
    def unsolved(self) -> list[Exercise]:
        """Exercises without a gated solution."""
        solved = {solution.exercise.label for solution in self.solutions}
        return [exercise for exercise in self.exercises if exercise.label not in solved]

    @property
    def solution_cells(self) -> list[int]:
        return [index for solution in self.solutions for index in solution.cells]


def cell_text(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def glue_keys(text: str) -> list[str]:
    """Keys pasted by glue roles and directives; ``page.ipynb::key`` keeps its page."""
    keys = []
    for match in GLUE_REFERENCE.finditer(text):
        ref = match.group("ref") or match.group("directive_ref")
        page, _, rest = ref.rpartition("::")
        keys.append((page + "::" if page else "") + rest.split(":", 1)[0])
    return keys


def glue_outputs(cell) -> dict[str, dict]:
    """``{key: data}`` of every value a code cell's stored outputs glue."""
    records = {}
    for output in cell.get("outputs", []):
        name = output.get("metadata", {}).get("scrapbook", {}).get("name")
        if name is not None:
            records[name] = dict(output.get("data", {}))
    return records


def shows_something(cell) -> bool:
    """True if a code cell prints or displays anything besides glued values."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and cell_text_of(output).strip():
            return True
        data = output.get("data", {})
        if any(not mime.startswith(GLUE_MIME) for mime in data):
            return True
    return False


def cell_text_of(output) -> str:
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else text


def _closing_fence(text: str, match: re.Match) -> int | None:
    """End of the fenced directive opened by ``match`` (the offset after its closing fence line)."""
    fence = re.compile(rf"^ {{0,3}}{re.escape(match.group('fence'))}[ \t]*$\n?", re.MULTILINE)
    closing = fence.search(text, match.end())
    return closing.end() if closing else None


def parse(notebook, name: str = "notebook", *, check_outputs: bool = True) -> ChapterExercises:
    """A notebook's exercises and gated solution blocks; :class:`ExerciseError` lists every problem.

    ``notebook`` is an ``nbformat`` notebook or a path to one. ``check_outputs``
    applies the rules on glued values, which need the notebook's stored outputs.
    """
    if isinstance(notebook, (str, Path)):
        name = str(notebook)
        notebook = nbformat.read(notebook, as_version=4)
    cells = notebook["cells"]
    problems: list[str] = []
    exercises: list[Exercise] = []
    starts: list[tuple[int, str]] = []  # (cell, label) of solution blocks, in order
    ends: list[int] = []
    ungated: list[tuple[int, str]] = []
    open_block: tuple[int, str] | None = None

    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        text = cell_text(cell)
        for match in EXERCISE.finditer(text):
            label = LABEL_OPTION.search(match.group("options"))
            if label is None:
                problems.append(f"cell {index}: an exercise without a :label: cannot be given a solution")
                continue
            exercises.append(Exercise(label.group("label"), len(exercises) + 1, index))
        for match in UNGATED_SOLUTION.finditer(text):
            ungated.append((index, match.group("label")))
        events = sorted([(m.start(), "start", m) for m in SOLUTION_START.finditer(text)]
                        + [(m.start(), "end", m) for m in SOLUTION_END.finditer(text)], key=lambda e: e[0])
        for _offset, kind, match in events:
            if kind == "start":
                label = match.group("label")
                if not label:
                    problems.append(f"cell {index}: a solution-start names no exercise label")
                if open_block is not None:
                    problems.append(f"cell {index}: a solution-start inside the solution to {open_block[1]} "
                                    f"opened in cell {open_block[0]}, which is not closed")
                if text[:match.start()].strip():
                    problems.append(f"cell {index}: the solution-start to {label} must open its cell "
                                    "(text before it would be hidden with the solution)")
                open_block = (index, label)
                starts.append(open_block)
            else:
                closing = _closing_fence(text, match)
                if open_block is None:
                    problems.append(f"cell {index}: a solution-end with no solution-start before it")
                    continue
                if closing is None or text[closing:].strip():
                    problems.append(f"cell {index}: the solution-end to {open_block[1]} must close its cell "
                                    "(text after it would be hidden with the solution)")
                ends.append(index)
                open_block = None
    if open_block is not None:
        problems.append(f"cell {open_block[0]}: the solution to {open_block[1]} is not closed "
                        "(no solution-end after it)")

    by_label = {exercise.label: exercise for exercise in exercises}
    solutions: list[Solution] = []
    for (first, label), last in zip(starts, ends):
        exercise = by_label.get(label)
        if exercise is None:
            problems.append(f"cell {first}: a solution to {label!r}, but no exercise of this notebook "
                            f"has that label (labels: {', '.join(by_label) or 'none'})")
            continue
        if any(solution.exercise.label == label for solution in solutions):
            problems.append(f"cell {first}: a second solution to {label}")
        code = tuple(i for i in range(first, last + 1) if cells[i]["cell_type"] == "code")
        if not code:
            problems.append(f"cells {first}-{last}: the solution to {label} has no code cell; "
                            "compute the answer in a code cell inside the block")
        for i in code:
            removed = [tag for tag in cells[i].get("metadata", {}).get("tags", []) if tag in REMOVING_TAGS]
            if removed:
                problems.append(f"cell {i}: a code cell of the solution to {label} is tagged {removed[0]}; "
                                "the student must see it (hide-input folds it)")
        solutions.append(Solution(exercise, first, last, code))

    chapter = ChapterExercises(name, tuple(exercises), tuple(solutions), tuple(ungated))
    if check_outputs and not problems:
        problems += output_problems(cells, chapter)
    if problems:
        raise ExerciseError(f"{name}: {len(problems)} problem(s) with exercises and solutions:\n  "
                            + "\n  ".join(problems))
    return chapter


def output_problems(cells, chapter: ChapterExercises) -> list[str]:
    """The rules on glued values, read from the stored outputs."""
    problems = []
    owner = {index: solution for solution in chapter.solutions for index in solution.cells}
    glued_where: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            for key in glue_outputs(cell):
                glued_where.setdefault(key, []).append(index)
    for solution in chapter.solutions:
        label, number = solution.exercise.label, solution.exercise.number
        own = {key for i in solution.code_cells for key in glue_outputs(cells[i])}
        for key in sorted(own):
            elsewhere = [i for i in glued_where[key] if owner.get(i) is not solution]
            if elsewhere:
                problems.append(f"cell {elsewhere[0]}: key {key!r} of the solution to {label} is also glued "
                                "outside that solution")
            if f"_ex{number}_" not in key:
                problems.append(f"cells {solution.first_cell}-{solution.last_cell}: key {key!r} of the solution "
                                f"to {label} (exercise {number}) should be named <prefix>_ex{number}_...")
        for i in solution.cells:
            if cells[i]["cell_type"] != "markdown":
                continue
            for key in glue_keys(cell_text(cells[i])):
                if key not in own:
                    problems.append(f"cell {i}: the solution to {label} states {{glue}}`{key}`, which no code "
                                    "cell of that solution glues; compute and glue it there")
        if solution.code_cells and not any(shows_something(cells[i]) for i in solution.code_cells):
            problems.append(f"cells {solution.first_cell}-{solution.last_cell}: the code of the solution to "
                            f"{label} shows nothing; print or display the result it finds")
    solution_keys = {key: solution for solution in chapter.solutions
                     for i in solution.code_cells for key in glue_outputs(cells[i])}
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for key in glue_keys(cell_text(cell)):
            solution = solution_keys.get(key)
            if solution is not None and owner.get(index) is not solution:
                problems.append(f"cell {index}: uses {{glue}}`{key}`, a key of the solution to "
                                f"{solution.exercise.label}, outside that solution")
    return problems


@dataclass(frozen=True)
class StudentRun:
    notebook: nbformat.NotebookNode
    #: index of the first solution cell; every cell from there on belongs to a solution
    first_solution_cell: int


def student_run(notebook, chapter: ChapterExercises) -> StudentRun:
    """The chapter without its solution blocks, then every solution cell in order."""
    cells = notebook["cells"]
    in_solution = set(chapter.solution_cells)
    run = copy.deepcopy(notebook)
    body = [copy.deepcopy(cell) for i, cell in enumerate(cells) if i not in in_solution]
    solutions = [copy.deepcopy(cells[i]) for i in chapter.solution_cells]
    run["cells"] = body + solutions
    return StudentRun(run, len(body))


def strip_solutions(notebook, chapter: ChapterExercises):
    """The chapter to hand out: every cell but the solution blocks, outputs kept."""
    stripped = student_run(notebook, chapter)
    stripped.notebook["cells"] = stripped.notebook["cells"][:stripped.first_solution_cell]
    return stripped.notebook


def solution_glue(cells) -> dict[str, dict]:
    """``{key: data}`` glued by the given code cells; images left out (nbval does not compare them)."""
    records = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            for key, data in glue_outputs(cell).items():
                records[key] = {mime: value for mime, value in data.items()
                                if not mime.startswith(GLUE_MIME + "image/")}
    return records


USAGE = """usage: python -m korean_ott.exercises strip CHAPTER.ipynb OUT.ipynb
       python -m korean_ott.exercises check CHAPTER.ipynb [...]

strip  writes the chapter without its solution blocks (exercises and outputs kept)
check  lists every problem with a chapter's exercises and gated solutions"""


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "strip":
        source, target = Path(argv[1]), Path(argv[2])
        notebook = nbformat.read(source, as_version=4)
        try:
            chapter = parse(notebook, str(source), check_outputs=False)
        except ExerciseError as error:
            print(error, file=sys.stderr)
            return 1
        if target.resolve() == source.resolve():
            print(f"refusing to overwrite {source}: name another file", file=sys.stderr)
            return 2
        nbformat.write(strip_solutions(notebook, chapter), target)
        print(f"{target}: {len(chapter.exercises)} exercises, {len(chapter.solutions)} solutions removed")
        return 0
    if len(argv) >= 2 and argv[0] == "check":
        failed = False
        for name in argv[1:]:
            try:
                chapter = parse(Path(name))
            except ExerciseError as error:
                print(error, file=sys.stderr)
                failed = True
                continue
            missing = [f"{e.label} (cell {e.cell})" for e in chapter.unsolved]
            if missing:
                print(f"{name}: exercises without a gated solution: {', '.join(missing)}", file=sys.stderr)
                failed = True
            else:
                print(f"{name}: {len(chapter.exercises)} exercises, each with a gated solution")
        return 1 if failed else 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
