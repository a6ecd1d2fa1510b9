"""What a process has counted, read from what it serves to Prometheus."""

from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(exposition: str) -> Samples:
    """Every sample of a scrape, by its name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(scraped: Samples, series: str, **labels: str) -> float:
    """The value of a series in a scrape; a name not scraped is a KeyError."""
    return scraped[(series, frozenset(labels.items()))]
