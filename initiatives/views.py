"""Views of the initiatives app: parse input, call one service or selector, render."""
