"""The assessment report: HTML (Jinja2, inline CSS and SVG), PDF (WeasyPrint, in pdf.py only)."""

from .html import render_html

__all__ = ["render_html"]
