"""Views of the councils app: parse input, call one service or selector, render."""
