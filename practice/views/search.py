"""The portal's search page (the box in every page's header): parse, call the one selector, render."""

from django.shortcuts import render

from .. import selectors
from ..forms import SearchForm


def search(request):
    form = SearchForm(request.GET or None)
    hits, searched = [], False
    if form.is_valid() and form.cleaned_data["q"].strip():
        searched = True
        hits = selectors.portal_search(user=request.user, text=form.cleaned_data["q"],
                                       kind=form.cleaned_data["kind"], theme=form.cleaned_data["theme"],
                                       council=form.cleaned_data["council"])
    return render(request, "practice/search.html", {"form": form, "hits": hits, "searched": searched,
                                                    "q": request.GET.get("q", "")})
