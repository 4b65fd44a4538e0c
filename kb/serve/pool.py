"""The worker processes behind `kb serve`, shared fairly between clients.

Queries run in worker processes (a process can be killed at a deadline, a thread cannot). So
that a few expensive queries cannot hold every worker:

* pages and resource descriptions have a worker of their own (the light lane): they never
  wait behind a query;
* each client (remote address) has its own queue; workers are handed out round-robin across
  clients, one running query per client (`per_client`), `queue_per_client` waiting at most
  (more -> 429 with Retry-After); a full server or a wait over `queue_wait` -> 503;
* a query still running after `long_after` seconds is long: its worker leaves the lane, a
  pre-forked spare takes its place at once, so the lane keeps its size; at
  most `max_long` long queries run so at once (one more stays in its lane's worker), each is
  killed at its time limit;
* a client whose query hit the time limit in the last 10 minutes is an offender: its next
  queries start on the spare as long queries (never holding a lane worker) and run reniced,
  getting the CPU the others leave, until one of them is short again;
* a client that goes away is dropped from the queue; its running query is left to finish if
  it is short (the worker is reused, no respawn) and killed when it becomes long (or at once
  if it is long already: the spare had taken its place).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kb.core.errors import KBError


class QueryTimeout(Exception):
    """The query ran past its time limit and was stopped (504)."""


class Busy(Exception):
    """Not run now: 429 (this client has too much waiting) or 503 (the server is full)."""

    def __init__(self, status: int, message: str, retry_after: int):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass
class PoolLimits:
    workers: int = 2  # query workers (the light lane's worker and the spare come on top)
    timeout: float = 20.0  # seconds a task may run
    long_after: float = 5.0  # seconds after which a query counts as long
    max_long: int = 2  # long queries running at once, server-wide
    per_client: int = 1  # queries running at once per client
    queue_per_client: int = 8  # queries waiting per client
    queue_max: int = 256  # queries waiting in all
    queue_wait: float = 60.0  # seconds a query may wait for a worker


@dataclass(eq=False)
class _Handle:
    process: Any
    conn: Any


@dataclass(eq=False)
class _Job:
    client: str
    task: dict
    future: asyncio.Future
    abandoned: bool = False
    long_on: _Handle | None = None  # the worker running it outside the pool


@dataclass
class _Lane:
    size: int
    members: set = field(default_factory=set)  # its workers, busy or idle
    idle: deque = field(default_factory=deque)
    queues: dict[str, deque] = field(default_factory=dict)  # client -> waiting jobs
    turn: deque = field(default_factory=deque)  # clients with waiting jobs, round-robin
    running: Counter = field(default_factory=Counter)  # client -> jobs running

    def waiting(self) -> int:
        return sum(len(q) for q in self.queues.values())

    def enqueue(self, job: _Job) -> None:
        if job.client not in self.queues:
            self.queues[job.client] = deque()
            self.turn.append(job.client)
        self.queues[job.client].append(job)

    def pop(self, client: str) -> _Job:
        """The client's next waiting job (the client leaves the turn when none is left)."""
        queue = self.queues[client]
        job = queue.popleft()
        if not queue:
            del self.queues[client]
            self.turn.remove(client)
        return job

    def unqueue(self, job: _Job) -> bool:
        """Take a job out of the queue; False if it is not waiting (any more)."""
        queue = self.queues.get(job.client)
        if queue is None or job not in queue:
            return False
        queue.remove(job)
        if not queue:
            del self.queues[job.client]
            self.turn.remove(job.client)
        return True


async def _receive(handle: _Handle, timeout: float) -> dict:
    """The worker's next message, waited for on the event loop (TimeoutError after `timeout`)."""
    loop = asyncio.get_running_loop()
    readable = loop.create_future()
    fd = handle.conn.fileno()
    loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
    try:
        await asyncio.wait_for(readable, timeout)
    finally:
        loop.remove_reader(fd)
    return handle.conn.recv()


class WorkerPool:
    """`target(conn, *args)` is the worker's main function: it answers {"ready": True} once
    loaded, then one reply per task received."""

    def __init__(self, target: Callable[..., None], args: tuple, limits: PoolLimits):
        self.target = target
        self.args = args
        self.limits = limits
        self.queries = _Lane(limits.workers)
        self.light = _Lane(1)
        self.spare: _Handle | None = None
        self.long: set[_Handle] = set()
        self.handles: set[_Handle] = set()
        self.spawning = 0
        self.replaced = 0
        self.offenders: dict[str, float] = {}  # client -> until when its long queries are niced
        self._background: set[asyncio.Task] = set()

    # --- processes ---------------------------------------------------------------------------

    async def start(self) -> None:
        count = self.queries.size + self.light.size + 1
        self.spawning = count
        handles = await asyncio.gather(*(self._spawn() for _ in range(count)))
        for handle in handles:
            self._adopt(handle)

    async def _spawn(self) -> _Handle:
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded event loop
        parent, child = ctx.Pipe()
        process = ctx.Process(target=self.target, args=(child, *self.args), daemon=True)
        await asyncio.get_running_loop().run_in_executor(None, process.start)
        child.close()
        handle = _Handle(process, parent)
        self.handles.add(handle)
        ready = await _receive(handle, timeout=600)
        if not ready.get("ready"):
            self._kill(handle)
            raise KBError(ready.get("message", "a query worker failed to start"))
        return handle

    def _adopt(self, handle: _Handle) -> None:
        """A fresh worker goes where one is missing: the light lane, the query lane, spare."""
        self.spawning -= 1
        self._place(handle)

    def _place(self, handle: _Handle) -> None:
        for lane in (self.light, self.queries):
            if len(lane.members) < lane.size:
                lane.members.add(handle)
                lane.idle.append(handle)
                self._dispatch(lane)
                return
        if self.spare is None:
            self.spare = handle
            self._dispatch(self.queries)  # an offender may be waiting for it
        else:
            self._kill(handle)

    def _refill(self) -> None:
        """Give a lane that lost a worker the spare at once, and start what is missing."""
        for lane in (self.light, self.queries):
            if len(lane.members) < lane.size and self.spare is not None:
                handle, self.spare = self.spare, None
                lane.members.add(handle)
                lane.idle.append(handle)
                self._dispatch(lane)
        missing = self.light.size + self.queries.size + 1 - self.spawning
        missing -= len(self.light.members) + len(self.queries.members)
        missing -= self.spare is not None
        for _ in range(max(0, missing)):
            self.spawning += 1
            self._in_background(self._spawn_and_adopt())

    async def _spawn_and_adopt(self) -> None:
        try:
            handle = await self._spawn()
        except (KBError, OSError, TimeoutError, EOFError):
            self.spawning -= 1
            return
        self._adopt(handle)

    def _in_background(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _kill(self, handle: _Handle) -> None:
        self.handles.discard(handle)
        self.long.discard(handle)
        for lane in (self.light, self.queries):
            lane.members.discard(handle)
            with contextlib.suppress(ValueError):
                lane.idle.remove(handle)
        handle.process.kill()
        handle.process.join(timeout=5)
        handle.conn.close()

    def _retire(self, handle: _Handle) -> None:
        """Kill a worker and put another in its place."""
        self._kill(handle)
        self.replaced += 1
        self._refill()

    def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        for handle in list(self.handles):
            self._kill(handle)

    # --- tasks -------------------------------------------------------------------------------

    async def run(self, task: dict, client: str, light: bool = False) -> dict:
        """The worker's reply to `task` for `client`; raises Busy or QueryTimeout."""
        lane = self.light if light else self.queries
        queue = lane.queues.get(client, ())
        if not light and len(queue) >= self.limits.queue_per_client:
            raise Busy(
                429,
                f"{len(queue)} of your queries are already waiting; wait for their answers",
                max(1, round(self.limits.long_after)),
            )
        if lane.waiting() >= self.limits.queue_max:
            raise Busy(503, "the server has too many queries waiting; try again shortly", 5)
        job = _Job(client, task, asyncio.get_running_loop().create_future())
        lane.enqueue(job)
        self._dispatch(lane)
        try:
            try:
                return await asyncio.wait_for(asyncio.shield(job.future), self.limits.queue_wait)
            except TimeoutError:
                if lane.unqueue(job):
                    raise Busy(
                        503, f"no worker was free within {self.limits.queue_wait:g} s; retry", 5
                    ) from None
            return await asyncio.shield(job.future)  # started: its own time limit holds
        except asyncio.CancelledError:  # the client went away
            job.abandoned = True
            lane.unqueue(job)
            if job.long_on in self.long:  # nobody waits for it: stop it (it is replaced already)
                job.long_on.process.kill()
            raise

    def _dispatch(self, lane: _Lane) -> None:
        """Hand idle workers to waiting jobs, one client after another. A repeat offender's
        query goes straight to the spare, as a long query, if a long place is free."""
        while lane.turn:
            for _ in range(len(lane.turn)):
                client = lane.turn[0]
                lane.turn.rotate(-1)
                if lane is not self.light and lane.running[client] >= self.limits.per_client:
                    continue
                if lane is self.light or not self._offender(client):
                    if lane.idle:
                        break
                elif self.spare is not None and len(self.long) < self.limits.max_long:
                    break
            else:
                return  # no waiting client can be served now
            job = lane.pop(client)
            lane.running[client] += 1
            if lane is self.light or not self._offender(client):
                self._in_background(self._execute(lane, lane.idle.popleft(), job))
            else:
                handle, self.spare = self.spare, None
                self.long.add(handle)
                self._refill()
                self._in_background(self._execute(lane, handle, job, long=True))

    def _offender(self, client: str) -> bool:
        return self.offenders.get(client, 0.0) > time.monotonic()

    async def _execute(self, lane: _Lane, handle: _Handle, job: _Job, long: bool = False) -> None:
        try:
            if long:
                handle.conn.send(job.task)
                reply = await self._run_long(handle, job, self.limits.timeout)
            else:
                reply = await self._answer(lane, handle, job)
        except (QueryTimeout, Busy) as exc:
            if job.abandoned:
                job.future.cancel()  # nobody is left to read it
            else:
                job.future.set_exception(exc)
        except Exception as exc:  # noqa: BLE001 - one request fails, not the server
            self._retire(handle)
            job.future.set_result({"status": 500, "message": f"{type(exc).__name__}: {exc}"})
        else:
            job.future.set_result(reply)
        finally:
            lane.running[job.client] -= 1
            if not lane.running[job.client]:
                del lane.running[job.client]
            self._dispatch(lane)

    async def _answer(self, lane: _Lane, handle: _Handle, job: _Job) -> dict:
        limits = self.limits
        try:
            handle.conn.send(job.task)
            first_wait = limits.timeout if lane is self.light else limits.long_after
            reply = await _receive(handle, min(first_wait, limits.timeout))
        except TimeoutError:
            if lane is self.light or limits.long_after >= limits.timeout:
                self._retire(handle)
                raise self._timed_out(job) from None
            if job.abandoned or len(self.long) < limits.max_long:
                self.queries.members.discard(handle)
                self.long.add(handle)
                self._refill()
                return await self._run_long(handle, job, limits.timeout - limits.long_after)
            # every long place is taken: it finishes in its lane's worker, as before
            try:
                reply = await _receive(handle, limits.timeout - limits.long_after)
            except TimeoutError:
                self._retire(handle)
                raise self._timed_out(job) from None
            except (EOFError, OSError):
                self._retire(handle)
                return {"status": 500, "message": _DIED}
        except (EOFError, OSError):
            self._retire(handle)
            return {"status": 500, "message": _DIED}
        self._returned(lane, handle, reply)
        return reply

    def _returned(self, lane: _Lane, handle: _Handle, reply: dict) -> None:
        if reply.get("retire"):  # out of memory: its heap is not to be trusted any more
            self._retire(handle)
        else:
            lane.idle.append(handle)

    async def _run_long(self, handle: _Handle, job: _Job, seconds: float) -> dict:
        """A long query, out of the lane (in self.long): its answer within `seconds`."""
        if job.abandoned:
            self._kill(handle)
            raise QueryTimeout("the client went away")
        job.long_on = handle
        # a client whose queries keep hitting the time limit gets the CPU left over
        niced = self._offender(job.client)
        if niced:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, handle.process.pid, OFFENDER_NICE)
        start = time.monotonic()
        try:
            reply = await _receive(handle, seconds)
        except TimeoutError:
            self._kill(handle)
            self.replaced += 1
            raise self._timed_out(job) from None
        except (EOFError, OSError):
            self._kill(handle)
            self.replaced += 1
            return {"status": 500, "message": _DIED}
        self.long.discard(handle)
        if niced and time.monotonic() - start < self.limits.long_after:
            self.offenders.pop(job.client, None)  # a short query again: forgiven
        if reply.get("retire") or niced:  # a niced process cannot be raised back
            self._kill(handle)
        else:  # healthy: back where a worker is missing (a spare on its way is then dropped)
            self._place(handle)
        return reply

    def _timed_out(self, job: _Job) -> QueryTimeout:
        now = time.monotonic()
        if len(self.offenders) > 10_000:
            self.offenders = {c: t for c, t in self.offenders.items() if t > now}
        self.offenders[job.client] = now + OFFENDER_MEMORY
        return QueryTimeout(
            f"the query exceeded the time limit of {self.limits.timeout:g} s and was stopped"
        )

    def health(self) -> dict:
        return {
            "workers": len(self.queries.members),
            "idle": len(self.queries.idle),
            "light": len(self.light.members),
            "spare": int(self.spare is not None),
            "long": len(self.long),
            "waiting": self.queries.waiting() + self.light.waiting(),
            "replaced": self.replaced,
        }


OFFENDER_NICE = 10  # CPU weight 110 against 1024 for the others
OFFENDER_MEMORY = 600.0  # seconds a time-limit hit is remembered
_DIED = "the query worker died (over its memory limit?); it has been replaced"
