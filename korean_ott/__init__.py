"""Shared code for the book *Korean TV content and the move to Netflix*.

The chapters import three things from here: validated data loaders
(:mod:`korean_ott.data`), the figure style (:mod:`korean_ott.style`) and a few
statistical helpers (:mod:`korean_ott.stats`). Keeping them in one tested
package is what lets every chapter run on its own from ``data/``.
"""

__version__ = "0.1.0"
