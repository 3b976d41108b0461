"""Identity, users, IMs and file uploads."""

from __future__ import annotations

from typing import Any

from bot.sandbox.slackapi.api import Context, Handler, SlackError, json_arg
from bot.sandbox.slackapi.contracts import truthy
from bot.sandbox.slackapi.workspace import BOT_ID, BOT_USER_ID, TEAM_ID, UploadedFile, Workspace


def conversations_open(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if args.get("channel"):
        channel = ws.resolve_channel(str(args["channel"]))
        if channel is None:
            raise SlackError("channel_not_found")
        return {"channel": {"id": channel.id}}
    users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
    if not users:
        raise SlackError("users_list_not_supplied")
    if len(users) > 8:
        raise SlackError("too_many_users")
    for user in users:
        if user not in ws.users:
            raise SlackError("user_not_found")
    if len(users) == 1:
        existed = any(c.is_im and c.user == users[0] for c in ws.channels.values())
        channel = ws.open_im(users[0])
        body: dict[str, Any] = {"channel": {"id": channel.id}}
        if existed:
            body.update(no_op=True, already_open=True)
        if truthy(args.get("return_im")):
            body["channel"].update(is_im=True, user=users[0])
        return body
    name = "mpdm-" + "--".join(sorted(users))
    channel = ws.resolve_channel(name) or ws.channels[ws.add_channel(name, ws.new_id("G"))]
    return {"channel": {"id": channel.id}}


def auth_test(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {
        "url": "https://fake.slack.com/",
        "team": "Fake Sales Team",
        "user": "sdrbot",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def users_info(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    user = ws.users.get(str(args["user"]))
    if user is None:
        raise SlackError("user_not_found")
    return {"user": user}


def users_lookup_by_email(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    user = ws.user_by_email(str(args["email"]))
    if user is None:
        raise SlackError("users_not_found")
    return {"user": user}


def files_get_upload_url(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    length = int(args["length"])
    if length < 1:
        raise SlackError("invalid_arguments", ["[ERROR] length must be at least 1"])
    upload = UploadedFile(ws.new_id("F"), str(args["filename"]), length)
    ws.files[upload.id] = upload
    return {"upload_url": f"{ctx.root_url}upload/v1/{upload.id}", "file_id": upload.id}


def files_complete_upload(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    items = json_arg(args, "files", "invalid_arguments")
    if not isinstance(items, list) or not items:
        raise SlackError("invalid_arguments", ["[ERROR] files must be a non-empty array"])
    uploads = []
    for item in items:
        upload = ws.files.get(str(item.get("id"))) if isinstance(item, dict) else None
        if upload is None or upload.content is None:
            raise SlackError("file_not_found")
        upload.title = item.get("title") or upload.filename
        uploads.append(upload)
    targets = [c for c in str(args.get("channels") or "").split(",") if c]
    if args.get("channel_id"):
        targets.append(str(args["channel_id"]))
    channels = []
    for ref in targets:
        channel = ws.resolve_channel(ref)
        if channel is None:
            raise SlackError("channel_not_found")
        channels.append(channel)
    shown = [
        {"id": u.id, "title": u.title, "name": u.filename, "size": len(u.content or b"")}
        for u in uploads
    ]
    for channel in channels:
        ws.post(
            channel,
            {
                "text": args.get("initial_comment") or "",
                "files": shown,
                "thread_ts": args.get("thread_ts"),
                "subtype": "file_share",
            },
        )
        for upload in uploads:
            upload.shared_to.append(channel.id)
    return {"files": shown}


def usergroups_users_list(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    members = ws.usergroups.get(str(args["usergroup"]))
    if members is None:
        raise SlackError("no_such_subteam")
    return {"users": list(members)}


def conversations_info(ws: Workspace, args: dict[str, Any], ctx: Context) -> dict[str, Any]:
    channel = ws.channels.get(str(args["channel"]))  # ids only, like Slack
    if channel is None:
        raise SlackError("channel_not_found")
    return {
        "channel": {
            "id": channel.id,
            "name": channel.name,
            "is_channel": not channel.is_im,
            "is_im": channel.is_im,
            "is_private": False,
            "is_member": channel.is_member,
            "is_archived": channel.is_archived,
        }
    }


HANDLERS: dict[str, Handler] = {
    "conversations.info": conversations_info,
    "usergroups.users.list": usergroups_users_list,
    "conversations.open": conversations_open,
    "auth.test": auth_test,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}
