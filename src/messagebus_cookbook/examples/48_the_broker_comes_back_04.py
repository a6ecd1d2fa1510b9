"""An event stream over Celery: each published message is sent as a task.

The tasks go to the stream's exchange, with the envelope's type as routing
key. Each service that listens binds a queue of its own to the exchange:
every service gets every envelope it subscribed to, and the workers of one
service share its queue. Each service that publishes has a stream of its own.
"""

import argparse
import asyncio
import contextlib
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from amqp.exceptions import ConnectionError as AMQPConnectionError
from celery import Celery
from kombu import Exchange, Queue, binding
from kombu.exceptions import OperationalError
from messagebus import AsyncAbstractEventstreamTransport
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from transactional_outbox.relay import StreamUnavailable, storable

T = TypeVar("T")

# What kombu, the sockets and the brokers' clients raise when the broker is
# out of reach: on connecting, or on a connection that the broker dropped.
UNREACHABLE = (
    OperationalError,
    OSError,
    AMQPConnectionError,
    RedisConnectionError,
    RedisTimeoutError,
)


@dataclass(frozen=True)
class Stream:
    """The stream of a service: the name of its task, and its exchange.

    Both are part of what the service publishes: never rename them.
    """

    task_name: str
    exchange: Exchange

    def route_by_type(
        self, name: str, args: Sequence[Any], *_: Any, **__: Any
    ) -> dict[str, Any] | None:
        """Send a task of the stream to its exchange, routed by the envelope's type."""
        if name != self.task_name:
            return None
        return {
            "exchange": self.exchange.name,
            "routing_key": args[0]["type"],
            # Declare the exchange, not Celery's default queue: nobody reads it.
            "declare": [self.exchange],
        }

    def subscription(self, queue: str, *types: str) -> Queue:
        """A durable queue of one service on the stream: these types, or all."""
        return Queue(
            queue,
            bindings=[
                binding(self.exchange, routing_key=key) for key in types or ("#",)
            ],
        )


def create_celery_app(
    main: str, stream: Stream, broker_url: str, send_timeout: float
) -> Celery:
    """A Celery app that sends JSON, accepts nothing else, and never waits forever."""
    app = Celery(main, broker=broker_url)
    app.conf.update(
        accept_content=["json"],
        task_serializer="json",
        task_routes=(stream.route_by_type,),
        # The relay retries, later: a send to a broker that is down fails now.
        task_publish_retry_policy={"max_retries": 0},
        broker_connection_timeout=send_timeout,
        broker_transport_options={
            "max_retries": 0,
            # An AMQP broker confirms each message once it has it: a send
            # returns only then.
            "confirm_publish": True,
            # A broker that accepts the connection and never answers: give up.
            "socket_connect_timeout": send_timeout,
            "socket_timeout": send_timeout,
        },
    )
    return app


def declare(app: Celery, entities: Sequence[Exchange | Queue]) -> list[str]:
    """Declare exchanges and queues on the broker, each queue with its bindings.

    Safe to run again: the broker keeps what it has, and declares what it
    lacks. A line for each thing declared.
    """
    declared = []
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for entity in entities:
            entity(channel).declare()
            if isinstance(entity, Queue):
                keys = ", ".join(sorted(b.routing_key or "" for b in entity.bindings))
                declared.append(f"queue {entity.name}, bound for {keys}")
            else:
                declared.append(f"exchange {entity.name} ({entity.type})")
    return declared


def declare_topology(
    parser: argparse.ArgumentParser, app: Celery, entities: Sequence[Exchange | Queue]
) -> int:
    """The main of a topology command: declare, print what, or exit in one line."""
    try:
        declared = declare(app, entities)
    except UNREACHABLE as error:
        parser.exit(1, f"{parser.prog}: cannot reach the broker: {error}\n")
    print("\n".join(f"declared {line}" for line in declared))
    return 0


class TaskSender(Protocol):
    """What the transport needs of Celery: sending a task by its name."""

    def send_task(self, name: str, args: Sequence[Any] | None = None) -> object: ...


class CeleryTransport(AsyncAbstractEventstreamTransport):
    """Send each serialized message as a task, with the envelope as argument."""

    def __init__(self, app: TaskSender, task_name: str) -> None:
        self.app = app
        self.task_name = task_name

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        # send_task waits for the broker: let a thread wait, not the event loop.
        await asyncio.to_thread(
            self.app.send_task, self.task_name, args=[dict(message)]
        )


async def in_daemon_thread(function: Callable[[], T]) -> T:
    """Run a blocking call in a thread that never holds up the process's exit.

    A thread cannot be stopped. The process waits for the threads of
    ``asyncio.to_thread`` before it exits, even for a call that hangs; it
    does not wait for a daemon thread.
    """
    outcome: Future[T] = Future()

    def run() -> None:
        try:
            result = function()
        except BaseException as error:
            # Nobody waits any more once the caller has given up.
            with contextlib.suppress(InvalidStateError):
                outcome.set_exception(error)
        else:
            with contextlib.suppress(InvalidStateError):
                outcome.set_result(result)

    threading.Thread(target=run, daemon=True).start()
    return await asyncio.wrap_future(outcome)


NOT_PERSISTENT = (
    "Redis without an append-only file (appendonly no): "
    "a crash loses what it took since its last snapshot"
)


class Unroutable(Exception):
    """No queue is bound for the envelope: the broker would drop it."""


def routed_to_no_queue(channel: Any, exchange: Exchange, routing_key: str) -> bool:
    """True if a Redis broker would drop the message: no queue bound for its key.

    Redis keeps the bindings as sets, and kombu routes each message itself,
    dropping it without a word when no queue matches. An AMQP broker routes
    by itself, and returns what it cannot route (``mandatory``): False there.
    """
    if not hasattr(channel, "get_table"):
        return False
    lookup = channel.exchange_types[exchange.type].lookup
    table = channel.get_table(exchange.name)
    return not lookup(table, exchange.name, routing_key, None)


class CeleryBatchTransport(CeleryTransport):
    """The Celery transport, with a batch send for the relay and a health check.

    With ``needs_a_queue``, a message that no queue receives is a failed send,
    which the relay tries again: for a stream that services read. Without,
    the broker drops it: for a stream that no service reads yet.
    """

    def __init__(self, app: Celery, task_name: str, needs_a_queue: bool = True) -> None:
        super().__init__(app, task_name)
        self.celery = app
        self.needs_a_queue = needs_a_queue
        # Import the broker's client now: not during the first send's timeout.
        app.connection_for_write().get_transport_cls()

    async def send_batch(
        self, messages: Sequence[Mapping[str, Any]]
    ) -> list[Exception | None]:
        """Send the messages as tasks; for each one, None or the error.

        When the broker is out of reach, the whole batch fails with
        ``StreamUnavailable``: what it may have taken is sent again later,
        and the consumers' inbox keeps each envelope once.
        """
        try:
            return await in_daemon_thread(lambda: self._send_batch(messages))
        except UNREACHABLE as error:
            raise StreamUnavailable(storable(error)) from error

    def _send_batch(
        self, messages: Sequence[Mapping[str, Any]]
    ) -> list[Exception | None]:
        amqp = self.celery.amqp
        outcomes: list[Exception | None] = []
        # One connection for the batch.
        with self.celery.producer_or_acquire() as producer, producer.batch():
            for message in messages:
                try:
                    args = (dict(message),)
                    # Where the task goes, as send_task finds it.
                    route = amqp.router.route({}, self.task_name, args, {})
                    [exchange] = route["declare"]
                    if self.needs_a_queue and routed_to_no_queue(
                        producer.channel, exchange, route["routing_key"]
                    ):
                        raise Unroutable(
                            f"no queue is bound to {exchange.name} "
                            f"for {route['routing_key']}"
                        )
                    task = amqp.create_task_message(
                        str(uuid.uuid4()),
                        self.task_name,
                        args,
                        {},
                        # What worker logs show of the task: not the payload.
                        argsrepr=f"[{message['type']} {message['id']}]",
                        kwargsrepr="{}",
                    )
                    amqp.send_task_message(
                        producer,
                        self.task_name,
                        task,
                        **route,
                        retry=False,
                        # An AMQP broker returns what it cannot route, and
                        # confirms what it stored (confirm_publish), in time.
                        mandatory=self.needs_a_queue,
                        confirm_timeout=self.celery.conf.broker_connection_timeout,
                    )
                except UNREACHABLE:
                    raise
                except Exception as error:
                    outcomes.append(error)
                else:
                    outcomes.append(None)
        return outcomes

    async def ping(self) -> str | None:
        """Connect to the broker, or raise: the health check of the relay.

        A warning if the broker may lose what it took: a Redis without an
        append-only file loses, in a crash, what came after its last
        snapshot.
        """

        def connect() -> str | None:
            with self.celery.connection_for_write() as connection:
                connection.connect()
                if connection.transport.driver_type != "redis":
                    return None
                # kombu's Redis channel holds the client of redis-py.
                channel: Any = connection.default_channel
                try:
                    config = channel.client.config_get("appendonly")
                except ResponseError:
                    # Managed Redis services often refuse CONFIG.
                    return "Redis does not say whether it persists (CONFIG refused)"
                return None if config.get("appendonly") == "yes" else NOT_PERSISTENT

        return await in_daemon_thread(connect)


def ping_worker(app: Celery, hostname: str, timeout: int = 1) -> bool:
    """Whether the worker ``hostname`` answers through the broker: one line.

    The worker's main process answers while it is connected to the broker
    and its loop runs; it says nothing of the tasks in its pool.
    """
    try:
        with app.connection_for_write(connect_timeout=timeout) as connection:
            # One attempt: left to its defaults, kombu tries again and again.
            connection.ensure_connection(max_retries=0)
            answers = app.control.ping(
                destination=[hostname], timeout=timeout, connection=connection
            )
    except Exception as error:
        print(f"{hostname}: the broker is unreachable: {storable(error)}")
        return False
    if not answers:
        print(f"{hostname}: no answer within {timeout} s")
        return False
    print(f"{hostname}: ok")
    return True
