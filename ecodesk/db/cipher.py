"""Encryption at rest with SQLCipher: the key, opening an encrypted file, converting in place.

A data file with an opening password is an SQLCipher 4 file: every page (and every page of its
``-wal``) is AES-256 encrypted and HMAC-SHA512 authenticated, so a copied file or backup cannot be
read without the password — ``sqlite3`` says "file is not a database". A file without a password
stays a plain SQLite file opened by Python's own ``sqlite3``, exactly as before: nothing here is
imported or run for it (``sqlcipher3`` is loaded only when an encrypted file is met).

**The key.** SQLCipher 4's defaults: PBKDF2-HMAC-SHA512, 256,000 iterations, 32-byte key, over the
16-byte salt that SQLCipher keeps as the first 16 bytes of the file. We run that derivation here
(``hashlib``, the same OpenSSL code) once per open and hand SQLCipher the *raw* key with its salt
(``x'<key><salt>'``): every pooled connection is then keyed without repeating the 0.15 s derivation,
and the file stays one that stock SQLCipher tools open with the password. Backups are written with
the same raw key and salt, so the one password opens the data file and all its backups.

**The recovery key** is that raw key and salt written out (:meth:`Key.recovery_text`): typed where
the password is asked, it opens the file and its backups as the password does. It stops working
when the password is changed (a change makes a new salt and key): write a new one then.

**Converting** (set, change, remove) is one crash-safe path, :func:`convert`: SQLCipher's
``sqlcipher_export`` writes the whole database into ``<file>.cipher-new`` under the new key (or
none), which is read back (opens with the new key, ``integrity_check`` ok, every table's row count
equal to the source's) and fsynced; only then is the old file's ``-wal`` (already checkpointed
into it, so empty) removed and the copy renamed over the old file in one atomic ``os.replace``.
A kill at any moment leaves the old file (with a stray ``.cipher-new`` that :func:`recover`
removes at the next locked open) or the new one — never neither. Changing the password is the same
export (not ``PRAGMA rekey``, which rewrites the live file page by page and is not available in WAL
mode): the old file stays whole until the verified new one replaces it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

from ecodesk.errors import DatabaseError
from ecodesk.files import os_reason

SQLITE_HEADER = b"SQLite format 3\x00"
KDF_ITERATIONS = 256_000  # SQLCipher 4 default (PBKDF2-HMAC-SHA512)
KEY_BYTES = 32
SALT_BYTES = 16
MIN_LENGTH = 6
MAX_LENGTH = 64
NEW_SUFFIX = ".cipher-new"  # the converted copy being written beside the data file
PAUSE_ENV = "ECODESK_TEST_PAUSE_AT"  # tests only: stop at named points of a conversion (to kill it there)
PAUSED = "ECODESK-PAUSED"
RECOVERY_PREFIX = "EK"
_RECOVERY = re.compile(rf"^{RECOVERY_PREFIX}[0-9A-F]{{{2 * (KEY_BYTES + SALT_BYTES)}}}$")


class PasswordNeededError(DatabaseError):
    """The file (or backup) is encrypted and no password for it was given."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class WrongPasswordError(PasswordNeededError):
    """The password (or recovery key) given does not open the file."""


@dataclass(frozen=True)
class Key:
    """The raw SQLCipher key of one file and the salt it was derived with."""

    raw: bytes
    salt: bytes

    def pragma_value(self) -> str:
        """The value of ``PRAGMA key``: raw key and salt, so SQLCipher derives nothing itself."""
        return f"\"x'{self.raw.hex()}{self.salt.hex()}'\""

    def recovery_code(self) -> str:
        """``EK`` and 96 hex digits in groups of eight (how the clerk copies it)."""
        digits = (self.raw + self.salt).hex().upper()
        return RECOVERY_PREFIX + "-" + "-".join(digits[i : i + 8] for i in range(0, len(digits), 8))

    def __repr__(self) -> str:  # never in a log or a traceback
        return "Key(…)"


def derive(password: str, salt: bytes) -> Key:
    """SQLCipher 4's own derivation of ``password`` over ``salt`` (so its tools open our files too)."""
    raw = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES)
    return Key(raw, salt)


def new_key(password: str) -> Key:
    """A fresh salt and the key of ``password`` over it (setting or changing the password)."""
    return derive(password, os.urandom(SALT_BYTES))


def parse_recovery(text: str) -> Key | None:
    """The key written in a recovery code (spaces, dashes and case ignored); None for a password."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    if not _RECOVERY.match(compact):
        return None
    digits = bytes.fromhex(compact[len(RECOVERY_PREFIX) :])
    return Key(digits[:KEY_BYTES], digits[KEY_BYTES:])


def problem_with(password: str) -> str:
    """Why ``password`` cannot be a new opening password ("" when it can)."""
    if len(password) < MIN_LENGTH:
        return f"至少{MIN_LENGTH}个字符"
    if len(password) > MAX_LENGTH:
        return f"不能超过{MAX_LENGTH}个字符"
    if password != password.strip():
        return "开头和结尾不能是空格"
    if parse_recovery(password) is not None:
        return "不能是恢复密钥的样子"
    return ""


# -- which files are encrypted ---------------------------------------------------------------------


def head(path: Path) -> bytes:
    """The first 16 bytes of ``path`` (b"" when it cannot be read)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(SALT_BYTES)
    except OSError:
        return b""


def looks_encrypted(path: Path) -> bool:
    """Whether ``path`` can be an SQLCipher file: no SQLite header, a whole number of pages.

    A random or foreign file of a page multiple cannot be told from an encrypted one without the
    key; the password question then says "已加密（或不是 EcoDesk 数据文件）".
    """
    try:
        size = path.stat().st_size
    except OSError:
        return False
    if size < 1024 or size % 512:
        return False
    start = head(path)
    return len(start) == SALT_BYTES and start != SQLITE_HEADER and any(start)


def key_for(path: Path, secret: str) -> Key:
    """The key that ``secret`` (a password or a recovery code) gives for the file at ``path``."""
    return key_from(head(path), secret)


def key_from(salt: bytes, secret: str) -> Key:
    """The key that ``secret`` gives for a file whose first 16 bytes are ``salt``."""
    recovery = parse_recovery(secret)
    if recovery is not None:
        return recovery
    return derive(secret, salt)


# -- remembering keys within this process ----------------------------------------------------------

_known: dict[Path, Key] = {}


def remember(path: Path, key: Key | None) -> None:
    """Keep ``key`` for ``path`` while the program runs (so a reopen or a backup check needs no
    second question); None forgets it (the file no longer has a password)."""
    where = Path(path).expanduser().resolve()
    if key is None:
        _known.pop(where, None)
    else:
        _known[where] = key


def known_key(path: Path) -> Key | None:
    """A remembered key whose salt is this file's (a backup made with that key has the same salt)."""
    exact = _known.get(Path(path).expanduser().resolve())
    salt = head(path)
    if exact is not None and exact.salt == salt:
        return exact
    return known_for_salt(salt)


def known_for_salt(salt: bytes) -> Key | None:
    return next((key for key in _known.values() if key.salt == salt), None)


def forget_all() -> None:
    _known.clear()


# -- connections -----------------------------------------------------------------------------------


def _module() -> Any:
    from sqlcipher3 import dbapi2

    return dbapi2


def driver_errors() -> tuple[type[Exception], ...]:
    """The driver errors that can occur now: ``sqlite3``'s, and SQLCipher's once it is loaded."""
    loaded = sys.modules.get("sqlcipher3.dbapi2")
    return (sqlite3.Error, loaded.Error) if loaded is not None else (sqlite3.Error,)


def connect(target: str | Path, key: Key | None, **kwargs: Any) -> Any:
    """A DB-API connection to ``target`` (a path, or a ``file:`` URI with ``uri=True``): plain
    ``sqlite3`` without a key, a keyed SQLCipher connection with one."""
    if key is None:
        return sqlite3.connect(target, **kwargs)
    conn = _module().connect(str(target), **kwargs)
    try:
        # A wrong key is an answer for the clerk, not lines of SQLCipher's log on her terminal.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key.pragma_value()}")
    except BaseException:
        conn.close()
        raise
    return conn


def opens(path: Path, key: Key) -> bool:
    """Whether ``key`` opens the file at ``path`` (reads its first page, changes nothing)."""
    try:
        conn = connect(f"{Path(path).resolve().as_uri()}?mode=ro", key, uri=True)
    except driver_errors():
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except driver_errors():
        return False
    finally:
        conn.close()


def engine_for(path: Path, key: Key) -> Engine:
    """An SQLAlchemy engine whose connections are keyed SQLCipher connections to ``path``."""
    from sqlalchemy import URL, create_engine

    def make() -> Any:
        # check_same_thread=False: what SQLAlchemy sets for a file database (the GUI's worker threads).
        return connect(path, key, check_same_thread=False)

    return create_engine(URL.create("sqlite", database=str(path)), module=_module(), creator=make)


def needs_key(path: Path, key: Key | None, *, what: str = "数据文件") -> Key:
    """The key for an encrypted ``path``: ``key`` or a remembered one, checked; raises
    :class:`PasswordNeededError` / :class:`WrongPasswordError` in the clerk's words."""
    key = key or known_key(path)
    if key is None:
        raise PasswordNeededError(f"{what} {path.name} 已设置打开密码（已加密），请输入密码。", path=path)
    if not opens(path, key):
        raise WrongPasswordError(f"打开密码不正确，无法打开{what} {path.name}。", path=path)
    return key


# -- converting in place ---------------------------------------------------------------------------


def pause_point(name: str) -> None:
    """Tests only: with ``ECODESK_TEST_PAUSE_AT`` naming this point, say so and wait to be killed."""
    wanted = os.environ.get(PAUSE_ENV, "")
    if name in {part.strip() for part in wanted.split(",") if part.strip()}:
        print(f"{PAUSED} {name}", file=sys.stderr, flush=True)
        time.sleep(600)


def table_counts(conn: Any) -> dict[str, int]:
    """Rows in every table (the conversion's check that nothing was left behind)."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names}


def convert(path: Path, old: Key | None, new: Key | None) -> None:
    """Rewrite the data file at ``path`` from key ``old`` to key ``new`` (None: a plain file).

    The caller holds the file lock and has closed every connection of its own. Raises
    :class:`DatabaseError` (the old file untouched) when the copy cannot be made or verified.
    """
    path = Path(path).resolve()
    target = path.with_name(path.name + NEW_SUFFIX)
    target.unlink(missing_ok=True)
    try:
        source_counts = _export(path, old, target, new)
        pause_point("after-copy")
        _verify(target, new, source_counts)
        _fsync(target)
        _drop_journal(path)
        pause_point("before-swap")
        os.replace(target, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(f"无法写入数据文件所在的文件夹（{os_reason(exc)}），密码没有改动。") from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    remember(path, new)
    pause_point("after-swap")


def _export(path: Path, old: Key | None, target: Path, new: Key | None) -> dict[str, int]:
    """Write the whole database into ``target`` under ``new``; the source's row counts."""
    errors = (sqlite3.Error, _module().Error)
    conn = _module().connect(str(path))
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        if old is not None:
            conn.execute(f"PRAGMA key = {old.pragma_value()}")
        # Everything committed goes into the file itself, so the -wal left behind holds nothing.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = table_counts(conn)
        value = new.pragma_value() if new is not None else "''"
        conn.execute(f"ATTACH DATABASE ? AS converted KEY {value}", (str(target),))
        conn.execute("SELECT sqlcipher_export('converted')")
        conn.execute("DETACH DATABASE converted")
    except errors as exc:
        raise DatabaseError(f"转换数据文件时出错（{exc}），密码没有改动，原文件完好。") from None
    finally:
        conn.close()
    return counts


def _verify(target: Path, key: Key | None, expected: dict[str, int]) -> None:
    """The copy opens with its key, passes ``integrity_check`` and holds every row of the source."""
    problem = ""
    try:
        with contextlib.closing(_module().connect(str(target))) as conn:
            conn.execute("PRAGMA cipher_log_level = NONE")
            if key is not None:
                conn.execute(f"PRAGMA key = {key.pragma_value()}")
            check = conn.execute("PRAGMA integrity_check").fetchone()
            if check is None or check[0] != "ok":
                problem = f"完整性检查未通过：{check[0] if check else '?'}"
            elif table_counts(conn) != expected:
                problem = "记录条数与原文件不一致"
    except (sqlite3.Error, _module().Error) as exc:
        problem = str(exc)
    if problem:
        raise DatabaseError(f"转换后的数据文件校验未通过（{problem}），密码没有改动，原文件完好。")


def _drop_journal(path: Path) -> None:
    """Remove the old file's ``-wal``/``-shm``: checkpointed and closed, they hold nothing, and left
    beside the new file SQLite would read them as its own."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise DatabaseError("数据文件正被另一个程序读取（还有未写回的日志），请关闭它后再试。密码没有改动。")
    wal.unlink(missing_ok=True)
    path.with_name(path.name + "-shm").unlink(missing_ok=True)


def recover(path: Path) -> list[Path]:
    """At a locked open: remove the copy a killed conversion left (the file itself is whole either
    way, the swap being one rename). Returns what was removed."""
    leftover = Path(path).with_name(Path(path).name + NEW_SUFFIX)
    if leftover.exists():
        leftover.unlink()
        return [leftover]
    return []


def _fsync(path: Path) -> None:
    with open(path, "r+b") as fh:  # Windows flushes only a handle open for writing
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return  # NTFS journals the rename itself; a folder cannot be opened for fsync there
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- wrong passwords -------------------------------------------------------------------------------


DELAY_SCALE_ENV = "ECODESK_TEST_DELAY_SCALE"  # tests only: 0 makes the waits below instant


def wrong_try_delay(wrong_tries: int) -> float:
    """Seconds to wait after the ``wrong_tries``-th wrong password: 1, 2, 4, 8 … at most 30.

    Guessing through the program is slowed; guessing against a copied file is slowed by the key
    derivation (256,000 rounds of PBKDF2 per guess), which no program can skip.
    """
    if wrong_tries <= 0:
        return 0.0
    try:
        scale = float(os.environ.get(DELAY_SCALE_ENV, "1"))
    except ValueError:
        scale = 1.0
    return float(min(30, 2 ** (wrong_tries - 1))) * max(scale, 0.0)


def same_key(a: Key, b: Key) -> bool:
    """Constant-time comparison of two keys (checking a typed password against the open file's)."""
    return hmac.compare_digest(a.raw + a.salt, b.raw + b.salt)
