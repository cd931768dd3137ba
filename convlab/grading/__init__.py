"""Autograded exercises: in-notebook feedback and the class grader behind ``convlab grade``.

Learners call :func:`check` in their exercise notebooks. Instructors use the ``convlab``
command (:mod:`convlab.cli`): ``convlab assign`` writes ``exercises/`` from ``solutions/``,
``convlab grade`` grades submitted notebooks in sandboxed worker processes. The modules:

- :mod:`~convlab.grading.exercise_types`, :mod:`~convlab.grading.sets` and
  :mod:`~convlab.grading.registry`: the exercises (types, sets, catalogue);
- :mod:`~convlab.grading.compare`: expected vs got, in words;
- :mod:`~convlab.grading.feedback`: :func:`check`, and :func:`assert_exercise` for
  nbgrader and Otter-Grader tests (:mod:`~convlab.grading.export`);
- :mod:`~convlab.grading.assign`: solutions -> exercises;
- :mod:`~convlab.grading.source`, :mod:`~convlab.grading.forbid`: reading submissions;
- :mod:`~convlab.grading.sandbox`, :mod:`~convlab.grading.bwrap`,
  :mod:`~convlab.grading.session`, :mod:`~convlab.grading.worker`,
  :mod:`~convlab.grading.protocol`: running them, inside
  bubblewrap where it works;
- :mod:`~convlab.grading.grade`, :mod:`~convlab.grading.batch`,
  :mod:`~convlab.grading.gradebook`, :mod:`~convlab.grading.report`: grading a class,
  keeping every result and exporting the reports.

``import convlab`` does not import this package; nothing here imports plotting.
"""

from .feedback import CheckResult, assert_exercise, check

__all__ = ["CheckResult", "assert_exercise", "check"]
