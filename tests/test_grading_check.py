"""check(): the in-notebook feedback, as plain text and as HTML; it never raises."""

from __future__ import annotations

import numpy as np
import pytest

import convlab
from convlab.grading import CheckResult, check


def corr2d(x, k):  # a right answer, found by name in this module's globals
    out = np.zeros((x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + k.shape[0], j : j + k.shape[1]] * k)
    return out


def flipped(x, k):
    return corr2d(x, k[::-1, ::-1])


def test_passing_function_found_in_the_callers_globals():
    result = check("01.corr2d")
    assert isinstance(result, CheckResult) and result
    text = str(result)
    assert text.startswith(
        "✅ 01.corr2d · Cross-correlation with loops (2 points): all 4 public cases pass"
    )
    assert text.count("  ✅ ") == 4 and "hidden cases" in text
    html = result._repr_html_()
    assert (
        html.startswith('<div class="convlab-check"') and "✅" in html and html.endswith("</div>")
    )


def test_smallest_failing_case_with_inputs_expected_got_and_the_mistakes_hint():
    result = check("01.corr2d", flipped)
    assert not result
    text = str(result)
    assert (
        "❌ 01.corr2d · Cross-correlation with loops (2 points): public case 1 of 4 fails" in text
    )
    assert "  ❌ 3×3 image, 2×2 kernel\n  · 4×5 image, 3×2 kernel" in text
    assert "Smallest failing case: 3×3 image, 2×2 kernel" in text
    assert "  x = array(3, 3) float64\n      [[" in text and "  k = array(2, 2) float64" in text
    assert "Expected: array(2, 2) float64" in text and "Got:      array(2, 2) float64" in text
    assert "values differ; first at [" in text
    assert "Hint:     You flipped the kernel: that is convolution." in text
    html = result._repr_html_()
    assert "<b>Smallest failing case:</b>" in html
    assert ">expected</th>" in html and ">got</th>" in html
    assert "You flipped the kernel" in html


@pytest.mark.parametrize(
    ("func", "hint"),
    [
        (lambda n, k, s=1, p=0, d=1: -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1, "Floor, not ceil"),
        (lambda n, k, s=1, p=0, d=1: (n + p - d * (k - 1) - 1) // s + 1, "added on each side"),
        (lambda n, k, s=1, p=0, d=1: (n + 2 * p - d * (k - 1) - 1) / s + 1, "true division"),
        (lambda n, k, s=1, p=0, d=1: (n + 2 * p - k) // s + 1, "dilated kernel spans"),
        (lambda n, k, s=1, p=0, d=1: (n - k + 2 * p + s + 1) / s, "extra + 1 and no floor"),
        (lambda n, k, s=1, p=0, d=1: (n - k + 2 * p + s + 1) // s, "its extra + 1 remains"),
    ],
)
def test_hints_name_the_usual_mistake(func, hint):
    result = check("02.output_size", func)
    assert not result and hint in str(result)


def test_shape_and_dtype_problems_are_spelled_out():
    text = str(
        check("04.dilate_kernel", lambda k, d: np.zeros(((k.shape[0] - 1) * (d + 1) + 1,) * 2))
    )
    assert "shape (3, 3) instead of (2, 2)" in text and "d − 1 zeros" in text
    text = str(check("01.corr2d", lambda x, k: corr2d(x, k).astype(np.float32)))
    assert "dtype float32 instead of float64" in text


def test_a_case_that_must_raise():
    def reflect_pad(x, p):  # right values, but no ValueError for p >= size
        def mirrored(n):
            return np.r_[np.arange(p, 0, -1), np.arange(n), np.arange(n - 2, n - 2 - p, -1)]

        return x[mirrored(x.shape[0])][:, mirrored(x.shape[1])]

    text = str(check("02.reflect_pad", reflect_pad))
    assert (
        "public case 4 of 4 fails" in text and "Smallest failing case: 3×3, p=3 must raise" in text
    )
    assert "Problem:  raised IndexError instead of ValueError" in text
    assert "Expected: Raises(name='ValueError')" in text


def test_unimplemented_stub_reads_as_not_implemented_yet():
    def output_size(n, k, s=1, p=0, d=1):
        raise NotImplementedError

    result = check("02.output_size", output_size)
    assert not result
    assert "not implemented yet" in str(result)
    assert "Replace `raise NotImplementedError` with your code, then run the cell" in str(result)
    assert "Smallest failing case" not in str(result)


@pytest.mark.parametrize("exc", [SystemExit(3), KeyboardInterrupt(), ZeroDivisionError("x")])
def test_never_raises_whatever_the_function_does(exc):
    def output_size(*args):
        raise exc

    result = check("02.output_size", output_size)
    assert not result and f"raised {type(exc).__name__}" in str(result)


def test_never_raises_on_bad_calls():
    assert "Known ids: 01.corr2d" in str(check("01.nope"))
    assert "exercise_id must be a known exercise id; got 123" in str(check(123))
    assert "no function named conv2d_multi" in str(check("03.conv2d_multi"))
    assert "is a int, not a function" in str(check("03.param_counts", 3))


def test_forbidden_apis_are_flagged_before_grading():
    def conv2d_multi(x, w, b=None, stride=1, padding=0, dilation=1):
        return convlab.conv2d(x, w, b, stride, padding, dilation)

    result = check("03.conv2d_multi", conv2d_multi)
    assert not result
    assert "⚠️ uses convlab.conv2d (line 2): forbidden in this exercise" in str(result)


def _slow_conv(x, w, b=None, stride=1, padding=0, dilation=1):
    """Right, but loops over pixels: far outside the speed budget."""
    out = convlab.conv2d(x, w, b, stride, padding, dilation)
    for _ in range(out.size // 2):
        np.sum(out[0, 0, :2, :2])
    return out


def test_speed_budget_note():
    result = check("03.conv2d_multi", _slow_conv)
    assert "over the 20× budget: the grader takes off 1 point" in str(result)


def test_html_escapes_what_the_function_returns():
    html = check("02.output_size", lambda *a: "<script>alert(1)</script>")._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
