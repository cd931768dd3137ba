"""The errors convlab raises for bad arguments: builtin types that carry their parts.

Every argument error is a :class:`ConvlabError` *and* the builtin it always was
(``ConvlabTypeError`` is a ``TypeError``, ``ConvlabValueError`` a ``ValueError``), so
``except ValueError`` keeps working, while code that wants the parts (a widget
explaining impossible settings, the command line naming a flag) reads them as fields
instead of re-parsing the text. The wording itself lives in :mod:`convlab._validation`.

>>> import numpy as np, convlab
>>> try:
...     convlab.pad(np.zeros((1, 3)), (4, 4), "reflect")
... except convlab.ConvlabError as exc:
...     error = exc
>>> isinstance(error, ValueError), error.func, error.argument, error.value
(True, 'pad', 'pad', (4, 4))
>>> print(error)  # doctest: +ELLIPSIS
pad: mode='reflect' needs padding < input size in every spatial dim; got pad=(4, 4) for ...
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["ConvlabError", "ConvlabTypeError", "ConvlabValueError", "error_type"]


class _ErrorClass(type):
    """Shows a class under its own name in ``repr`` (it prints as a builtin elsewhere)."""

    def __repr__(cls) -> str:
        return f"<class 'convlab.errors.{cls.__dict__.get('_own_name', cls.__name__)}'>"


class ConvlabError(Exception, metaclass=_ErrorClass):
    """Base of every argument error convlab raises; catch it to catch them all.

    Parameters
    ----------
    func : str
        The public function the user called, e.g. ``"conv2d"``.
    message : str
        What was expected and what was received, e.g.
        ``"stride must be a positive int ...; got stride=0"``.
    fix : str, optional
        One sentence saying what to do instead.
    argument : str, optional
        The public argument to blame, spelled as in the signature (``"padding"``), or
        the part of it at fault as the caller would index it (``"layers[0]['stride']"``);
        ``None`` when no single argument is (e.g. the kernel does not fit the input).
    value : object, optional
        That argument's value as the caller passed it, the same object (an array whose
        shape is wrong: as checked, i.e. after conversion to float); ``None`` when
        ``argument`` is ``None``.

    Attributes
    ----------
    func, message, fix, argument, value
        As given. ``str(error)`` is ``"func: message. Fix"``.
    detail : str
        ``"message. Fix"``: the error without the function's name, for a widget or a
        command line that says who refused in its own words.

    Examples
    --------
    >>> error = ConvlabValueError("conv2d", "stride must be >= 1; got stride=0",
    ...                           argument="stride", value=0)
    >>> str(error), error.detail
    ('conv2d: stride must be >= 1; got stride=0', 'stride must be >= 1; got stride=0')
    """

    def __init__(
        self,
        func: str,
        message: str,
        fix: str | None = None,
        *,
        argument: str | None = None,
        value: Any = None,
    ) -> None:
        self.func = func
        self.message = message
        self.fix = fix or None
        self.argument = argument
        self.value = value
        super().__init__(f"{func}: {self.detail}")

    @property
    def detail(self) -> str:
        """The message and its fix without the leading ``"func: "``: what a widget shows."""
        return f"{self.message}. {self.fix}" if self.fix else self.message

    def __reduce__(self) -> tuple[Any, ...]:  # pickle by fields, not by the joined text
        fields = {"argument": self.argument, "value": self.value}
        kind = type(self).__bases__[-1]  # the builtin (Exception for the base itself)
        return (_rebuild, (kind, self.func, self.message, self.fix, fields))


class ConvlabValueError(ConvlabError, ValueError):
    """A ``ValueError`` from convlab: right kind of argument, wrong value."""


class ConvlabTypeError(ConvlabError, TypeError):
    """A ``TypeError`` from convlab: wrong kind of argument."""


def _print_as(cls: type[ConvlabError], kind: type[Exception]) -> type[ConvlabError]:
    """Let tracebacks print ``cls`` as the builtin it is (``ValueError: conv2d: ...``).

    Python's and IPython's tracebacks print the class's module and name: a learner reads
    the same one-line ``ValueError`` as the lessons and doctests show (and as
    ``except ValueError`` suggests); ``isinstance(error, convlab.ConvlabError)`` tells a
    convlab error apart.
    """
    cls._own_name = cls.__name__
    cls.__module__ = kind.__module__
    cls.__qualname__ = cls.__name__ = kind.__qualname__
    return cls


_print_as(ConvlabValueError, ValueError)
_print_as(ConvlabTypeError, TypeError)


@functools.cache
def error_type(kind: type[Exception]) -> type[ConvlabError]:
    """The ConvlabError class that is also a ``kind`` (one class per builtin, made once).

    ``TypeError`` and ``ValueError`` map to the two classes above; another subclass of
    them (a user function's own error, re-raised by :func:`convlab.gradient_check`)
    gets a class of its own, so its type is kept.

    >>> error_type(ValueError) is ConvlabValueError
    True
    >>> issubclass(error_type(UnicodeError), UnicodeError)
    True
    """
    known = {ValueError: ConvlabValueError, TypeError: ConvlabTypeError, Exception: ConvlabError}
    if kind in known:
        return known[kind]
    if issubclass(kind, ConvlabError):
        return error_type(kind.__bases__[-1])
    return _print_as(type(f"Convlab{kind.__name__}", (ConvlabError, kind), {}), kind)


def _rebuild(
    kind: type[Exception], func: str, message: str, fix: str | None, fields: dict[str, Any]
) -> ConvlabError:
    return error_type(kind)(func, message, fix, **fields)
