"""The live market page, on the platform host and on every retailer host (public data)."""
from django.shortcuts import render
from django.utils import timezone

from market.domain.board import market_board


def market_live(request):
    board = market_board(now=timezone.now())
    return render(request, "market/live.html", {"board": board})
