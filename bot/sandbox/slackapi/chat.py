"""chat.* and conversation history: posting, updating and reading messages like Slack."""

from __future__ import annotations

import base64
from typing import Any

from bot.sandbox.slackapi import blockkit
from bot.sandbox.slackapi.api import Context, Handler, SlackError, json_arg, public
from bot.sandbox.slackapi.contracts import truthy
from bot.sandbox.slackapi.workspace import BOT_USER_ID, Channel, Workspace


def _writable_channel(ws: Workspace, args: dict[str, Any]) -> Channel:
    channel = ws.resolve_channel(str(args.get("channel") or ""))
    if channel is None:
        raise SlackError("channel_not_found")
    if channel.is_archived:
        raise SlackError("is_archived")
    if not channel.is_member:
        raise SlackError("not_in_channel")
    return channel


def _message_content(args: dict[str, Any], ctx: Context, *, required: bool) -> dict[str, Any]:
    """The validated text/blocks/attachments/metadata of a message being posted or updated."""
    if args.get("markdown_text") and (args.get("text") or args.get("blocks")):
        raise SlackError("markdown_text_conflict")
    blocks = json_arg(args, "blocks", "invalid_blocks_format")
    if blocks is not None and not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format", ["[ERROR] blocks must be an array"])
    if blocks is not None:
        errors = blockkit.check_blocks(blocks, "message")
        if errors:
            raise SlackError("invalid_blocks", errors)
    attachments = json_arg(args, "attachments", "invalid_attachments")
    text = args.get("text")
    if required and not (text or blocks or attachments or args.get("markdown_text")):
        raise SlackError("no_text")
    if isinstance(text, str) and len(text) > blockkit.MESSAGE_TEXT:
        raise SlackError("msg_too_long")
    if blocks and not text:
        ctx.warn(
            "blocks sent without a `text` fallback: notifications and screen readers get nothing"
        )
    metadata = json_arg(args, "metadata", "invalid_metadata_format")
    if metadata is not None and not (
        isinstance(metadata, dict)
        and isinstance(metadata.get("event_type"), str)
        and isinstance(metadata.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_format")
    return {
        "text": text if text is not None else ("" if required else None),
        "blocks": blocks,
        "attachments": attachments,
        "metadata": metadata,
        "markdown_text": args.get("markdown_text"),
    }


def chat_post_message(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    channel = _writable_channel(ws, args)
    content = _message_content(args, ctx, required=True)
    thread_ts = args.get("thread_ts")
    if thread_ts and ws.find_message(channel.id, str(thread_ts)) is None:
        raise SlackError("invalid_arguments", ["[ERROR] thread_ts names no message"])
    extra = {k: args.get(k) for k in ("username", "icon_emoji", "icon_url")}
    message = ws.post(
        channel,
        {
            **content,
            **extra,
            "thread_ts": thread_ts,
            "reply_broadcast": truthy(args.get("reply_broadcast")) or None,
        },
    )
    return {"channel": channel.id, "ts": message["ts"], "message": public(message)}


def chat_update(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    channel = ws.resolve_channel(str(args["channel"]))
    if channel is None:
        raise SlackError("channel_not_found")
    message = ws.find_message(channel.id, str(args["ts"]))
    if message is None:
        raise SlackError("message_not_found")
    content = _message_content(args, ctx, required=False)
    if content["text"] is None and content["blocks"] is None and not content["attachments"]:
        raise SlackError("no_text")
    for key, value in content.items():
        if value is not None:
            message[key] = value
    message["edited"] = {"user": BOT_USER_ID, "ts": ws.new_ts()}
    return {
        "channel": channel.id,
        "ts": message["ts"],
        "text": message.get("text", ""),
        "message": public(message),
    }


def chat_post_ephemeral(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    channel = _writable_channel(ws, args)
    if args["user"] not in ws.users:
        raise SlackError("user_not_in_channel")
    content = _message_content(args, ctx, required=True)
    message_ts = ws.new_ts()
    ws.ephemerals.append(
        {
            "channel": channel.id,
            "user": args["user"],
            "message_ts": message_ts,
            "thread_ts": args.get("thread_ts"),
            **content,
        }
    )
    return {"message_ts": message_ts}


def chat_get_permalink(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    channel = ws.resolve_channel(str(args["channel"]))
    if channel is None:
        raise SlackError("channel_not_found")
    ts = str(args["message_ts"])
    if ws.find_message(channel.id, ts) is None:
        raise SlackError("message_not_found")
    return {
        "channel": channel.id,
        "permalink": f"https://fake.slack.com/archives/{channel.id}/p{ts.replace('.', '')}",
    }


def _page(items: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    try:
        start = int(base64.b64decode(args["cursor"]).decode()) if args.get("cursor") else 0
    except ValueError:
        raise SlackError("invalid_cursor") from None
    limit = min(int(args.get("limit") or 100), 999)
    page = items[start : start + limit]
    more = start + limit < len(items)
    cursor = base64.b64encode(str(start + limit).encode()).decode() if more else ""
    return {"messages": page, "has_more": more, "response_metadata": {"next_cursor": cursor}}


def _window(messages: list[dict[str, Any]], args: dict[str, Any]) -> list[dict[str, Any]]:
    inclusive = truthy(args.get("inclusive"))
    try:
        oldest = float(args.get("oldest") or 0)
        latest = float(args["latest"]) if args.get("latest") else None
    except ValueError:
        raise SlackError("invalid_ts_oldest") from None

    def inside(m: dict[str, Any]) -> bool:
        t = float(m["ts"])
        low = t >= oldest if inclusive else t > oldest
        high = latest is None or (t <= latest if inclusive else t < latest)
        return low and high

    return [m for m in messages if inside(m)]


def _shown(message: dict[str, Any], with_metadata: bool) -> dict[str, Any]:
    shown = {k: v for k, v in public(message).items() if v is not None}
    if not with_metadata:
        shown.pop("metadata", None)
    return shown


def _readable_channel(ws: Workspace, args: dict[str, Any]) -> Channel:
    channel = ws.channels.get(str(args["channel"]))  # reading takes ids only, like Slack
    if channel is None:
        raise SlackError("channel_not_found")
    if not channel.is_member:
        raise SlackError("not_in_channel")
    return channel


def conversations_history(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    channel = _readable_channel(ws, args)
    meta = truthy(args.get("include_all_metadata"))
    newest_first = sorted(
        _window(ws.top_level(channel.id), args), key=lambda m: float(m["ts"]), reverse=True
    )
    return {**_page([_shown(m, meta) for m in newest_first], args), "pin_count": 0}


def conversations_replies(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    channel = _readable_channel(ws, args)
    thread = ws.thread(channel.id, str(args["ts"]))
    if not thread:
        raise SlackError("thread_not_found")
    meta = truthy(args.get("include_all_metadata"))
    root, replies = thread[0], _window(thread[1:], args)
    return _page([_shown(m, meta) for m in [root, *replies]], args)


HANDLERS: dict[str, Handler] = {
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.getPermalink": chat_get_permalink,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
}
