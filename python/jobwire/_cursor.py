"""Where an events() iterator stands in the log, shared by the sync and the async client.

The contract (DESIGN.md): events arrive at least once, so an event at or below the cursor
is dropped; a filtered page still advances ``next``, so the cursor moves past what it
skipped; and a cursor only means something in the store that gave it, so after every
reconnection the store's epoch is compared with the one the cursor came from.
"""
from typing import Any, Dict, List, Optional

from .errors import Reset

Event = Dict[str, Any]


class EventCursor:
    def __init__(self, after: int, epoch: Optional[str]) -> None:
        self.after = after
        self.epoch = epoch

    def accept(self, page: Dict[str, Any]) -> List[Event]:
        """The page's events not seen yet, in seq order; moves the cursor to the page's end."""
        fresh = [event for event in page.get("events", []) if event["seq"] > self.after]
        self.after = max(self.after, int(page.get("next", self.after)))
        return fresh

    def check_store(self, health: Dict[str, Any]) -> None:
        """Raises Reset when /healthz names another store than the one the cursor is in."""
        epoch = health.get("epoch")
        if self.epoch is not None and epoch != self.epoch:
            raise Reset("reset", f"the store was replaced (epoch {self.epoch} is now {epoch}): refetch snapshots",
                        None, oldest=health.get("oldest"), seq=health.get("seq"), epoch=epoch)
        self.epoch = epoch
