"""Argument errors carry their parts as fields, so nothing re-parses their text.

Every argument error is a :class:`convlab.ConvlabError` that is also exactly the
builtin ``TypeError``/``ValueError`` it always was, with ``.func``, ``.argument`` (as the
signature spells it), ``.value`` (as the caller passed it, the same object), ``.fix``
and ``.message``; ``str()`` keeps the form ``"func: message. Fix"``.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import convlab as cl
from convlab.errors import ConvlabError, ConvlabTypeError, ConvlabValueError, error_type

x3 = np.ones((1, 1, 3, 3))
w3 = np.ones((1, 1, 3, 3))


def raised(call) -> ConvlabError:
    with pytest.raises(ConvlabError) as info:
        call()
    return info.value


def test_the_base_is_public_and_the_types_are_the_builtins():
    assert cl.ConvlabError is ConvlabError and "ConvlabError" in cl.__all__
    assert issubclass(ConvlabValueError, ValueError) and issubclass(ConvlabTypeError, TypeError)
    assert not issubclass(ConvlabValueError, TypeError)
    assert error_type(ValueError) is ConvlabValueError and error_type(TypeError) is ConvlabTypeError
    # they print as the builtin (tracebacks, doctests, notebooks) but repr says who they are
    assert ConvlabValueError.__name__ == "ValueError"
    assert repr(ConvlabValueError) == "<class 'convlab.errors.ConvlabValueError'>"


def test_conv2d_bad_padding():
    padding = -1
    error = raised(lambda: cl.conv2d(x3, w3, padding=padding))
    assert type(error) is ConvlabValueError
    assert (error.func, error.argument, error.value) == ("conv2d", "padding", -1)
    assert error.message.startswith("padding must be a non-negative int")
    assert error.message.endswith("; got padding=-1") and error.fix is None
    assert str(error) == f"conv2d: {error.message}"


@pytest.mark.parametrize("padding", [4, (4, 4), [4]], ids=str)
def test_conv2d_reflect_shows_the_padding_as_written(padding):
    """The message and .value are the user's padding, not the internal (before, after) pairs."""
    error = raised(lambda: cl.conv2d(x3, w3, padding=padding, padding_mode="reflect"))
    assert (error.func, error.argument) == ("conv2d", "padding")
    assert error.value is padding
    assert error.message == (
        "padding_mode='reflect' needs padding < input size in every spatial dim; "
        f"got padding={padding!r} for input size (3, 3)"
    )
    assert error.fix.startswith("Reflection mirrors the input")
    assert str(error) == f"conv2d: {error.message}. {error.fix}"


def test_design_example_is_what_conv2d_says():
    """DESIGN.md §2 quotes this message for padding=(4, 4) on a 3x3 input."""
    error = raised(lambda: cl.conv2d(x3, w3, padding=(4, 4), padding_mode="reflect"))
    assert str(error).startswith(
        "conv2d: padding_mode='reflect' needs padding < input size in every spatial dim; "
        "got padding=(4, 4) for input size (3, 3)"
    )


@pytest.mark.parametrize(("mode", "pad"), [("reflect", (4, 4)), ("circular", [5, 0])])
def test_pad_too_small_names_pad_and_mode(mode, pad):
    error = raised(lambda: cl.pad(np.ones((1, 1, 3)), pad, mode))
    assert (error.func, error.argument) == ("pad", "pad")
    assert error.value is pad
    assert error.message.startswith(f"mode={mode!r} needs padding <")  # mode, not padding_mode
    assert f"got pad={pad!r} for input size (3,)" in error.message
    assert "((" not in str(error)  # no internal pairs


def test_pool_kernel_bigger_than_the_input_blames_no_single_argument():
    error = raised(lambda: cl.max_pool2d(x3, 5))
    assert type(error) is ConvlabValueError
    assert (error.func, error.argument, error.value) == ("max_pool2d", None, None)
    assert error.message == (
        "output size would be (0, 0) for input size (3, 3) with kernel_size=5, padding=0, "
        "dilation=1"
    )


def test_pool_padding_too_big_shows_padding_and_kernel_as_written():
    kernel_size, padding = [3, 3], 2
    error = raised(lambda: cl.avg_pool2d(x3, kernel_size, padding=padding))
    assert (error.func, error.argument, error.value) == ("avg_pool2d", "padding", 2)
    assert "got padding=2 with kernel_size=[3, 3]" in error.message


def test_output_padding_shows_the_arguments_as_written():
    error = raised(lambda: cl.conv_transpose2d(x3, w3, stride=2, output_padding=(0, 2)))
    assert (error.argument, error.value) == ("output_padding", (0, 2))
    assert "got output_padding=(0, 2) with stride=2, dilation=1" in error.message


def test_type_errors_carry_the_value_received():
    stride = 1.5
    error = raised(lambda: cl.conv2d(x3, w3, stride=stride))
    assert type(error) is ConvlabTypeError and isinstance(error, TypeError)
    assert (error.func, error.argument, error.value) == ("conv2d", "stride", 1.5)
    assert error.fix == "Use whole numbers"
    weight = "kernel"
    error = raised(lambda: cl.conv2d(x3, weight))
    assert (error.argument, error.value) == ("weight", "kernel")


def test_widget_positions_blame_i_or_j():
    plot = pytest.importorskip("convlab.plot")
    error = raised(lambda: plot.conv_step(np.ones((4, 4)), np.ones((2, 2)), 1, 7))
    assert (error.argument, error.value) == ("j", 7)


def test_grading_registry_errors_name_the_lesson_and_the_cli_reads_the_fields(tmp_path, capsys):
    from convlab.cli import main
    from convlab.grading.registry import lesson_exercises

    error = raised(lambda: lesson_exercises("09"))
    assert (error.func, error.argument, error.value) == ("lesson_exercises", "lesson", "09")
    submission = tmp_path / "a.ipynb"
    submission.write_text("{}")
    with pytest.raises(SystemExit):
        main(["grade", "--lesson", "09", str(submission), "--out", str(tmp_path / "out")])
    assert capsys.readouterr().err.endswith(f"error: grade: --{error.detail}\n")


def test_summary_rewords_a_layer_error_and_keeps_its_fields():
    layers = [{"type": "conv", "out_channels": 4, "kernel_size": 3, "stride": 0}]
    error = raised(lambda: cl.summary(layers, (1, 3, 8, 8)))
    assert (error.func, error.argument, error.value) == ("summary", "stride", 0)
    assert error.message.startswith("layer 0 (conv): stride must be a positive int")


def test_gradient_check_keeps_the_type_of_a_users_error():
    class Mine(ValueError):
        pass

    def f(x):
        raise Mine("no")

    error = raised(lambda: cl.gradient_check(f, np.ones(2), np.ones(2)))
    assert isinstance(error, Mine) and (error.argument, error.value) == ("f", f)
    assert error.message.endswith("when called with the arrays (array of shape (2,) and dtype "
                                  "float64): no")  # fmt: skip


def test_fields_survive_pickling():
    error = raised(lambda: cl.pad(np.ones((1, 3)), (4, 4), "reflect"))
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and str(back) == str(error)
    assert (back.func, back.argument, back.value, back.fix, back.message) == (
        error.func, error.argument, error.value, error.fix, error.message,
    )  # fmt: skip


def test_widgets_show_the_errors_detail():
    widgets = pytest.importorskip("convlab.widgets")
    pool = widgets.pool_explorer(k=2, padding=2)
    error = raised(lambda: cl.max_pool2d(np.ones((1, 5, 5)), 2, padding=2))
    assert pool.message == f"PyTorch refuses these settings. {error.detail}"
    assert pool.state["error"] == f"pool_explorer: {error.detail}"
    # an error that is not convlab's is shown whole, never cut at its first ": "
    pool._show_error("Something else", ValueError("numpy says: no"))
    assert pool.message == "Something else. numpy says: no"
