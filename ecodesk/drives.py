"""Whether a path is on a network location, where the live data file must not be kept.

SQLite's WAL mode shares its index through memory-mapped ``-shm`` files and relies on byte-range
locks; over SMB/NFS both are unreliable (SQLite's own documentation: "WAL does not work over a
network filesystem"). Two PCs opening the file from the share, or the connection dropping in the
middle of a write, damage it. So the wizard, 打开 and ``--db`` refuse a network location for the
data file; backups (whole copies written once) may go there.

Recognised: UNC paths (``\\\\server\\share\\…``, ``//server/share/…``); on Windows a drive letter
mapped to a share (``GetDriveTypeW`` says ``DRIVE_REMOTE``); elsewhere, as a best effort, a mount
whose file system is a network one (``/proc/mounts``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PureWindowsPath

DRIVE_REMOTE = 4  # GetDriveTypeW: "The drive is a remote (network) drive."
NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "afs",
        "ncpfs",
        "davfs",
        "fuse.sshfs",
        "9p.network",
    }
)
MOUNTS = Path("/proc/mounts")


def network_location(path: str | Path) -> str | None:
    """Where on the network ``path`` lies, in the clerk's words (``网络共享 \\\\server\\share``,
    ``网络驱动器 Z:``), or None for a local disk. Never raises: a path that cannot be checked is
    taken as local (the data file's own checks follow)."""
    text = str(path)
    share = _unc_share(text)
    if share is not None:
        return f"网络共享 {share}"
    if _on_windows():
        drive = PureWindowsPath(text).drive
        if len(drive) == 2 and drive[1] == ":" and _drive_type(drive + "\\") == DRIVE_REMOTE:
            return f"网络驱动器 {drive.upper()}"
        return None
    kind = _mount_type(Path(text))
    return f"网络文件夹（{kind}）" if kind in NETWORK_FILE_SYSTEMS else None


def refusal(path: str | Path, where: str) -> str:
    """Why the data file may not be kept at ``path`` (on ``where``), and what to do instead."""
    return (
        f"数据文件不能放在网络位置（{where}）：{path}\n\n"
        "数据文件必须放在这台电脑自己的硬盘上（如 D:\\EcoDesk 或“文档”里的文件夹）。"
        "放在共享文件夹或网络驱动器上时，两台电脑同时打开它、或者网络中途断开，都会损坏数据文件，"
        "录入的记录可能丢失。\n\n"
        "备份可以放在网络位置：在“设置”中把备份文件夹设为共享文件夹即可。"
        "若数据文件现在就在网络位置上，请先把它复制到本机硬盘，再打开复制后的文件。"
    )


def network_refusal(path: str | Path) -> str | None:
    """The refusal for a data file at ``path``, or None when it may be kept there."""
    where = network_location(path)
    return refusal(path, where) if where is not None else None


def _unc_share(text: str) -> str | None:
    r"""``\\server\share`` of a UNC path (``\\?\UNC\server\share\…`` too); None for anything else,
    including ``\\?\C:\…`` and ``\\.\`` device paths, which are local."""
    unified = text.replace("/", "\\")
    if unified.upper().startswith("\\\\?\\UNC\\"):
        unified = "\\\\" + unified[len("\\\\?\\UNC\\") :]
    if not unified.startswith("\\\\") or unified.startswith(("\\\\?\\", "\\\\.\\")):
        return None
    parts = [part for part in unified[2:].split("\\") if part]
    if not parts:
        return None
    return "\\\\" + "\\".join(parts[:2])


def _on_windows() -> bool:
    return sys.platform == "win32"


def _drive_type(root: str) -> int:
    """``GetDriveTypeW`` of a drive root such as ``Z:\\`` (0 when it cannot be asked)."""
    try:
        import ctypes

        return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return 0


def _mount_type(path: Path) -> str:
    """The file system type of the mount holding ``path`` (its nearest existing folder), or ""."""
    try:
        where = os.path.realpath(_existing(path))
        lines = MOUNTS.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    best, kind = "", ""
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount = fields[1].replace("\\040", " ")
        inside = where == mount or where.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, kind = mount, fields[2]
    return kind


def _existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (the wizard's folder may not exist yet)."""
    path = path.expanduser().absolute()
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return path
