"""Repositories of the durable inbox (``InboxUpdate``) and the reply outbox
(``ReplyOutbox``); like every repository they never commit.

Claims are rows, not process memory, so they hold across processes: a worker writes its
token and a lease (``claimed_until``) into the row it takes, repeats the "still claimable"
test in the ``UPDATE`` itself (PostgreSQL re-checks it after taking the row lock, SQLite
serialises writers) and, on PostgreSQL, selects with ``FOR UPDATE SKIP LOCKED`` so two
workers never queue on each other's rows. A worker renews its leases while it works; the
claims of a process that died lapse when their lease runs out.

Per-chat order: only the oldest unhandled update of a chat can be claimed, and only while
no other update of that chat is claimed (a worker keeps its claim until the replies are
out) and no reply to that chat is still waiting to be sent. So one chat has at most one
update in flight, its replies go out in order, and different chats go on concurrently.

The package: ``records`` (what goes in and comes out), ``statements`` (the SQL built once),
``updates`` (``InboxRepository``) and ``replies`` (``ReplyRepository``).
"""

from storage.inbox.records import ClaimedReply, ClaimedUpdate, NewUpdate
from storage.inbox.replies import ReplyRepository
from storage.inbox.updates import InboxRepository

__all__ = ["ClaimedReply", "ClaimedUpdate", "InboxRepository", "NewUpdate", "ReplyRepository"]
