"""The relay of the club: it sends what waits in the club's outbox."""

from reading_club.adapters.uow_sqla.orm import outbox
from transactional_outbox import relay


class OutboxRelay(relay.OutboxRelay):
    """The relay of the club's outbox."""

    outbox = outbox
