from django.apps import AppConfig


class MarketAlertsConfig(AppConfig):
    """A retailer's price alerts: a tenant app (its tables are in each retailer's schema),
    kept beside `market`, whose public prices it reads."""

    name = "market.alerts"
    label = "market_alerts"
    verbose_name = "Market alerts"
