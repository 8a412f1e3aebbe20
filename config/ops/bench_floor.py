"""bench/consumption_api.py's floor: on the same server settings and host routing as the
consumption API, a response of a given size with no authentication and no database, so the
benchmark can say how far the API is from what this server can answer at all.

Routed only when settings.GRIDLINE_BENCH_FLOOR is on (the benchmark's server sets
GRIDLINE_BENCH_FLOOR=1); production settings turn it off whatever the environment says.
"""
from django.conf import settings
from django.http import Http404, HttpResponse

MAX_BYTES = 1_000_000


def bench_floor(request):
    if not settings.GRIDLINE_BENCH_FLOOR:
        raise Http404("No such page.")
    try:
        size = min(max(int(request.GET.get("bytes", "2")), 2), MAX_BYTES)
    except ValueError:
        size = 2
    # A JSON string of exactly `size` bytes, like the API's JSON body it stands beside.
    return HttpResponse(b'"' + b"x" * (size - 2) + b'"', content_type="application/json")
