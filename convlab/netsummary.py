"""The network calculator: one table of shapes, parameters, MACs and receptive fields.

``summary(model, input_shape)`` walks a model without running it: every number comes
from the size formulas of :mod:`convlab.shapes` and the receptive-field recursion of
:mod:`convlab.fields`, so VGG-16 at 224×224 takes milliseconds and no memory.

The receptive field of a unit is the input interval it depends on; per spatial dim the
table gives its size ``r``, the jump ``j`` (input distance between neighbouring units,
the effective stride) and the start: the centre of unit 0's field in input coordinates
(Araujo et al., "Computing Receptive Fields of CNNs", Distill 2019). Unit ``i`` is
centred at ``start + i * j``; their effective padding is ``(r - 1) / 2 - start``.
Where branches meet (a residual add, a concatenation) the field is the union of the
branches' fields, which needs equal jumps.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._netgraph import network_nodes, table_rows
from ._netspec import FUNC, show
from ._validation import fail, int_sequence

__all__ = ["Summary", "summary"]

_COLUMNS = ("Layer", "Type", "Output shape", "Params", "MACs", "RF", "Jump", "Start")


def _human(n: float, unit: str = "") -> str:
    for size, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.2f} {prefix}{unit}"
    return f"{n:.0f} {unit}".rstrip()


class Summary:
    """Per-layer output shape, parameters, MACs and receptive field of a network.

    Made by :func:`summary`. ``print(s)`` shows aligned text, Jupyter an HTML table;
    ``s.rows`` holds one dict per layer and ``s.to_markdown()`` a Markdown table.

    Parameters
    ----------
    rows : list of dict
        Keys ``name``, ``type``, ``output_shape``, ``params``, ``macs``,
        ``receptive_field``, ``jump``, ``start`` (tuples per spatial dim, or ``None``
        where not defined) and ``note``.
    input_shape : tuple of int
    dtype : str
        Element type for the memory figures.
    total_params : int
        Trainable parameters, each shared module counted once.

    Examples
    --------
    >>> s = summary([{"type": "conv", "out_channels": 8, "kernel_size": 3}], (1, 3, 8, 8))
    >>> s.total_params, s.total_macs, s.rows[0]["receptive_field"]
    (224, 7776, (3, 3))
    """

    def __init__(
        self, rows: list[dict[str, Any]], input_shape: tuple[int, ...], dtype: str,
        total_params: int,
    ) -> None:  # fmt: skip
        self.rows = rows
        self.input_shape = tuple(input_shape)
        self.dtype = np.dtype(dtype)
        self.total_params = total_params
        self.total_macs = sum(r["macs"] for r in rows)
        self.param_bytes = total_params * self.dtype.itemsize
        self.activation_bytes = sum(int(np.prod(r["output_shape"])) for r in rows) * (
            self.dtype.itemsize
        )
        self.output_shape = rows[-1]["output_shape"] if rows else self.input_shape

    def _cells(self) -> list[list[str]]:
        spatial = len(self.input_shape) - 2
        table = [
            ["input", "", str(list(self.input_shape)), "", "", *["1", "1", "0"] * (spatial > 0)]
        ]
        table[0] += [""] * (len(_COLUMNS) - len(table[0]))
        for i, r in enumerate(self.rows):
            mark = f" [{self._notes().index(i) + 1}]" if i in self._notes() else ""
            table.append([
                r["name"], r["type"], str(list(r["output_shape"])), f"{r['params']:,}",
                f"{r['macs']:,}", show(r["receptive_field"]) + mark, show(r["jump"]),
                show(r["start"]),
            ])  # fmt: skip
        return table

    def _notes(self) -> list[int]:
        return [i for i, r in enumerate(self.rows) if r["note"]]

    def _footer(self) -> list[str]:
        kind = self.dtype.name
        lines = [
            f"Total params: {self.total_params:,} ({_human(self.param_bytes, 'B')} as {kind})",
            f"Total MACs: {self.total_macs:,} ({_human(self.total_macs, 'MACs')}) for a batch of "
            f"{self.input_shape[0]}",
            f"Activations: {_human(self.activation_bytes, 'B')} as {kind} "
            "(every layer's output, kept for the backward pass)",
        ]
        lines += [f"[{k + 1}] {self.rows[i]['name']}: {self.rows[i]['note']}"
                  for k, i in enumerate(self._notes())]  # fmt: skip
        return lines

    def __str__(self) -> str:
        table = [list(_COLUMNS), *self._cells()]
        widths = [max(len(row[c]) for row in table) for c in range(len(_COLUMNS))]
        left = {0, 1, 2}  # names, types and shapes read left-aligned, numbers right-aligned

        def line(row: list[str]) -> str:
            cells = (v.ljust(w) if c in left else v.rjust(w)
                     for c, (v, w) in enumerate(zip(row, widths, strict=True)))  # fmt: skip
            return "  ".join(cells).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(table[0]), rule, *map(line, table[1:]), rule, *self._footer()])

    def __repr__(self) -> str:
        return str(self)

    def to_markdown(self) -> str:
        """The table in Markdown (GitHub pipes), totals and notes below it."""
        align = ["---", "---", "---", *["---:"] * (len(_COLUMNS) - 3)]
        rows = [list(_COLUMNS), align, *self._cells()]
        text = "\n".join("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows)
        return text + "\n\n" + "\n".join(f"- {line}" for line in self._footer())

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in _COLUMNS)
        body = "".join(
            "<tr>" + "".join(
                f'<td style="text-align:{"left" if c < 3 else "right"}">{html.escape(v)}</td>'
                for c, v in enumerate(row)
            ) + "</tr>"
            for row in self._cells()
        )  # fmt: skip
        foot = "<br>".join(html.escape(line) for line in self._footer())
        return (
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p style='font-size:90%'>{foot}</p>"
        )


def summary(model: Any, input_shape: Sequence[int], *, dtype: str = "float32") -> Summary:
    """Shapes, parameters, MACs and receptive field of every layer, without running it.

    Parameters
    ----------
    model : list of dict, convlab.nn.Sequential or torch.nn.Module
        A list of layer specs: dicts with a ``type`` (conv, conv_transpose, max_pool,
        avg_pool, adaptive_avg_pool, adaptive_max_pool, batchnorm, relu and the other
        activations, dropout, flatten, linear, pad; a ``1d``/``2d``/``3d`` suffix is
        checked against the input), torch's keyword names (``out_channels``,
        ``kernel_size``, ``stride``, ``padding`` ...) and an optional ``name``.
        ``in_channels``/``in_features`` may be left out (they are read off the input).
        Besides torch's values, a conv's ``padding`` may be ``(before, after)`` pairs
        per dim. A ``convlab.nn.Sequential`` (or a list of its layers) works too, and a
        ``torch.nn.Module`` when torch is installed: it is traced with ``torch.fx``,
        residual adds and concatenations included, and never run.
    input_shape : tuple of int
        ``(N, C, *spatial)`` as torch's input; MACs and memory are for this batch.
    dtype : str
        Element type for the memory figures (default ``"float32"``).

    Returns
    -------
    Summary

    Raises
    ------
    ValueError
        Naming the layer where the shapes stop fitting, e.g. ``layer 7 (conv 3×3,
        stride 2): input 1×1 is smaller than the kernel's extent 3``.

    Notes
    -----
    Per layer and spatial dim, with effective kernel ``k_e = d(k - 1) + 1``:
    ``r_out = r_in + (k_e - 1) j_in``, ``j_out = j_in s``, and the field's first pixel
    moves by ``-p_before * j_in`` (:func:`convlab.receptive_field`). MACs count the
    multiplies by weights only (see :mod:`convlab._netlayers`): conv
    ``N * prod(out) * C_out * C_in/groups * prod(k)``, transposed conv
    ``N * prod(in) * C_in * C_out/groups * prod(k)``, linear ``rows * in * out``,
    batchnorm one per element; pooling and activations none. The receptive field is
    not defined after a strided transposed conv (it upsamples) nor after adaptive
    pooling with unequal windows; where adaptive pooling's windows are equal it is
    marked as depending on the input size.

    Examples
    --------
    >>> net = [
    ...     {"type": "conv", "out_channels": 16, "kernel_size": 3, "padding": 1},
    ...     {"type": "relu"},
    ...     {"type": "max_pool", "kernel_size": 2},
    ...     {"type": "conv", "out_channels": 32, "kernel_size": 3, "dilation": 2},
    ... ]
    >>> print(summary(net, (1, 3, 32, 32)))
    Layer  Type                    Output shape     Params     MACs  RF  Jump  Start
    -----  ----------------------  ---------------  ------  -------  --  ----  -----
    input                          [1, 3, 32, 32]                     1     1      0
    0      conv 3×3, padding 1     [1, 16, 32, 32]     448  442,368   3     1      0
    1      relu                    [1, 16, 32, 32]       0        0   3     1      0
    2      max_pool 2×2, stride 2  [1, 16, 16, 16]       0        0   4     2    0.5
    3      conv 3×3, dilation 2    [1, 32, 12, 12]   4,640  663,552  12     2    4.5
    -----  ----------------------  ---------------  ------  -------  --  ----  -----
    Total params: 5,088 (20.35 kB as float32)
    Total MACs: 1,105,920 (1.11 MMACs) for a batch of 1
    Activations: 165.89 kB as float32 (every layer's output, kept for the backward pass)
    """
    shape = int_sequence(FUNC, "input_shape", input_shape, fix="E.g. input_shape=(1, 3, 224, 224)",
                         minimum=1)  # fmt: skip
    if len(shape) < 2:
        raise fail(FUNC, f"input_shape must be (N, C, *spatial); got input_shape={list(shape)}",
                   "E.g. (1, 3, 224, 224) for one RGB image", argument="input_shape",
                   value=input_shape)  # fmt: skip
    try:
        np.dtype(dtype)
    except TypeError:
        raise fail(FUNC, f"dtype must name a NumPy dtype; got dtype={dtype!r}",
                   'E.g. dtype="float32" or "float16"', kind=TypeError, argument="dtype",
                   value=dtype) from None  # fmt: skip
    rows, total = table_rows(network_nodes(model, shape), shape)
    return Summary(rows, shape, dtype, total)
