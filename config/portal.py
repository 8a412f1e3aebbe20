"""The portal shell: one navigation for every customer page, with the retailer's name and
colour (a template context processor).

Each entry names a URL; an entry whose URL does not exist is left out. "Community energy"
(the generator dashboard) shows only to a cooperative's members and managers, and is all
a manager's login sees.
"""
from django.urls import NoReverseMatch, reverse

from accounts.users.models import Role
from cooperatives.services.access import cooperatives_visible_to

PORTAL_NAVIGATION = (
    ("account", "Account", "portal:account"),
    ("consumption", "Consumption", "metering-portal:consumption"),
    ("bills", "Bills", "billing-portal:bills"),
    ("insights", "Insights", "insights-portal:insights"),
    ("cooperatives", "Community energy", "cooperatives-portal:list"),
    ("tariffs", "Tariffs", "tariffs-offered"),
    ("market", "Market", "market-live"),
    ("sharing", "Data sharing", "portal:consents"),
    ("api", "API access", "api-compat-portal:access"),
)


def portal_navigation(path: str, *, user=None) -> list[dict]:
    items = []
    for key, label, url_name in PORTAL_NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # a slot for pages that are not there yet
        if key == "cooperatives" and not cooperatives_visible_to(user=user).exists():
            continue
        if key != "cooperatives" and getattr(user, "role", None) == Role.COOP_MANAGER:
            continue  # a manager's login is no customer: the dashboard is all it has
        items.append({"key": key, "label": label, "url": url, "active": False})
    # The page's own entry is the longest URL its path starts with (/account/sharing/ is
    # "Data sharing", not "Account").
    matches = [item for item in items if item["url"] != "/" and path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return items


def portal_shell(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return {}
    return {
        "retailer_name": tenant.name,
        "brand_colour": getattr(tenant, "brand_colour", "") or "#0b7a53",
        "portal_nav": portal_navigation(request.path, user=getattr(request, "user", None)),
    }
