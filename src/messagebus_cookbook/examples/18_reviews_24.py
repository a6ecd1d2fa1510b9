"""The relay of the reviews service: it sends what waits in its outbox."""

from reviews.adapters.orm import outbox
from transactional_outbox import relay


class OutboxRelay(relay.OutboxRelay):
    """The relay of the reviews service's outbox."""

    outbox = outbox
