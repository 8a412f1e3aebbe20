from django.shortcuts import render

from tenants.models import Retailer


def platform_home(request):
    retailers = (
        Retailer.objects.exclude(schema_name="public")
        .prefetch_related("domains")
        .order_by("name")
    )
    return render(request, "platform/home.html", {"retailers": retailers})
