"""The stand-in's channels kept beside the sandbox's database (`sandbox.db.slack.json`), so that a
restarted sandbox shows the alerts the bot posted before: the database remembers each alert's
channel and ts, and the bot updates, threads and escalates those messages later.

What a person had open (modals, ephemerals, the Home tab) is not kept: Slack's client loses it
on a reload too, and the bot publishes the Home tab again when it is opened.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from bot.sandbox.slackapi.workspace import UploadedFile
from bot.sandbox.stand_in import SandboxSlack

log = logging.getLogger(__name__)
EVERY = 2.0  # seconds between two looks for changes to write


def kept_file(database: Path) -> Path:
    return database.with_name(database.name + ".slack.json")


def _state(stand_in: SandboxSlack) -> dict[str, Any]:
    with stand_in.lock:
        ws = stand_in.workspace
        next_id = next(ws._ids)
        ws._ids = itertools.count(next_id)  # peeked, not used up
        files = {
            f.id: {
                "filename": f.filename,
                "length": f.length,
                "title": f.title,
                "shared_to": f.shared_to,
                "content": base64.b64encode(f.content).decode() if f.content else None,
            }
            for f in ws.files.values()
        }
        channels = {c: ws.messages.get(c, []) for c, ch in ws.channels.items() if not ch.is_im}
        return json.loads(
            json.dumps(
                {"messages": channels, "files": files, "last_ts": ws._last_ts, "next_id": next_id}
            )
        )


def save(stand_in: SandboxSlack, path: Path) -> None:
    body = json.dumps(_state(stand_in))
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(body, encoding="utf-8")
    os.replace(temporary, path)  # a crash mid-write leaves the last whole copy


def restore(stand_in: SandboxSlack, path: Path) -> None:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        messages, files = saved["messages"], saved["files"]
        last_ts, next_id = float(saved["last_ts"]), int(saved["next_id"])
    except FileNotFoundError:
        return
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring %s (%s): the sandbox's channels start empty", path, exc)
        return
    with stand_in.lock:
        ws = stand_in.workspace
        for channel_id, kept in messages.items():
            if channel_id in ws.channels:
                ws.messages[channel_id] = kept
        for file_id, f in files.items():
            content = base64.b64decode(f["content"]) if f.get("content") else None
            upload = UploadedFile(file_id, f["filename"], f["length"], content, f.get("title"))
            upload.shared_to.extend(f.get("shared_to") or [])
            ws.files[file_id] = upload
        ws._last_ts = max(ws._last_ts, last_ts)
        ws._ids = itertools.count(next_id)
    stand_in.touch()


def keep(stand_in: SandboxSlack, path: Path, stop: threading.Event) -> None:
    """Write the channels whenever they changed, until `stop`; once more at the end."""
    written = stand_in.version
    while not stop.wait(EVERY):
        if stand_in.version != written:
            written = stand_in.version
            _save_logged(stand_in, path)
    _save_logged(stand_in, path)


def _save_logged(stand_in: SandboxSlack, path: Path) -> None:
    try:
        save(stand_in, path)
    except OSError as exc:  # a full disk must not stop the sandbox; the next change tries again
        log.warning("could not keep the sandbox's channels in %s: %s", path, exc)
