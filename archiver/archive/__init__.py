"""The archive: posts in a Hexo site's ``source/_posts``, their ledger, the lock.

``Archive`` owns where a post goes and writes it atomically and idempotently;
``Ledger`` maps each article's URL to its post; ``ArchiveLock`` lets one run
at a time write an archive; ``maintenance`` checks and imports posts.
"""

from archiver.archive.lock import ArchiveLock, ArchiveLocked
from archiver.archive.store import Archive, SaveResult, atomic_write, content_hash

__all__ = ["Archive", "ArchiveLock", "ArchiveLocked", "SaveResult", "atomic_write", "content_hash"]
