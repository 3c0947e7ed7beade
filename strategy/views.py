"""Views of the strategy app: parse input, call one service or selector, render."""
