"""Scraping /metrics in tests: the samples as {(name, labels): value}."""
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "test-metrics-token"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(scraped: dict, name: str, **labels) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


def label_values(scraped: dict) -> set[str]:
    return {v for (_, labels) in scraped for _, v in labels}
