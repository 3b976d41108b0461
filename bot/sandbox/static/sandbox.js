// The sandbox page: shows the stand-in workspace and sends every act to the server, which
// signs it and hands it to the bot as Slack would. Plain DOM code, no build step.
"use strict";

const S = { config: null, state: null, user: null, channel: null, home: false, thread: null, modalKey: null };
const $ = (id) => document.getElementById(id);
// the page's own words (templates/<locale>/words/sandbox.toml), `{name}` filled in here
function w(key, values = {}) {
  const found = S.config && S.config.words[key];
  return String(found === undefined ? key : found).replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}
// times in the team's timezone; a message of another day than the sandbox's today gets its date
function when(ms, long) {
  const zone = { timeZone: S.config.timezone };
  const day = (t) => new Date(t).toLocaleDateString("en-CA", zone);
  const today = S.state && S.state.now ? day(Date.parse(S.state.now)) : day(ms);
  const options = long
    ? { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" }
    : { hour: "2-digit", minute: "2-digit", ...(day(ms) === today ? {} : { day: "numeric", month: "short" }) };
  return new Date(ms).toLocaleString(S.config.locale, { ...zone, ...options });
}

function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
// Slack sends &, < and > as entities: shown as the characters themselves, never as markup
function decode(s) {
  return String(s).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
function userName(id) { return (S.state && S.state.users[id]) || id; }
function channelName(id) {
  const found = S.state && S.state.channels.find((c) => c.id === id);
  return found ? found.name : id;
}

function link(inner) {
  const bar = inner.indexOf("|");
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? "" : inner.slice(bar + 1);
  if (target.startsWith("@")) return `<span class="mention">@${esc(userName(target.slice(1)))}</span>`;
  if (target.startsWith("#")) return `<span class="mention">#${esc(label || channelName(target.slice(1)))}</span>`;
  if (target.startsWith("!")) {
    if (target.startsWith("!date")) return esc(decode(label || target));
    return `<span class="mention">@${esc(label || target.slice(1).split("^")[0])}</span>`;
  }
  const url = decode(target);
  if (!/^(https?:|mailto:)/i.test(url)) return esc(decode(inner));
  return `<a href="${esc(url)}" target="_blank" rel="noopener">${esc(decode(label || target))}</a>`;
}

// the emoji shortcodes the bot writes, as Slack's client shows them; others stay as written
const EMOJI = {
  alarm_clock: "\u23F0", rotating_light: "\u{1F6A8}", warning: "\u26A0\uFE0F", white_check_mark: "\u2705",
  memory: "\u{1F4DD}", no_entry: "\u26D4", zap: "\u26A1", bar_chart: "\u{1F4CA}", tada: "\u{1F389}",
};
function styles(s) {
  let t = esc(decode(s)).replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] || all);
  t = t.replace(/`([^`\n]+)`/g, "<code>$1</code>");
  t = t.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, "$1<b>$2</b>");
  t = t.replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?!\w)/g, "$1<i>$2</i>");
  t = t.replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?!\w)/g, "$1<s>$2</s>");
  t = t.replace(/(^|\n)&gt; ?([^\n]*)/g, '$1<span class="quote">$2</span>');
  return t.replace(/\n/g, "<br>");
}

function mrkdwn(src) {
  return String(src || "").split("```").map((part, i) => {
    if (i % 2) return `<pre>${esc(decode(part))}</pre>`;
    let out = "", last = 0, m;
    const re = /<([^<>]+)>/g;
    while ((m = re.exec(part))) {
      out += styles(part.slice(last, m.index)) + link(m[1]);
      last = re.lastIndex;
    }
    return out + styles(part.slice(last));
  }).join("");
}

function text(obj) {
  if (!obj) return "";
  if (typeof obj === "string") return mrkdwn(obj);
  return obj.type === "mrkdwn" ? mrkdwn(obj.text) : esc(decode(obj.text || "")).replace(/\n/g, "<br>");
}
function plain(obj) { return obj ? decode(obj.text || "") : ""; }

function el(tag, cls, html) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (html !== undefined) node.innerHTML = html;
  return node;
}

// ---- sending acts ---------------------------------------------------------------------------

async function act(body) {
  const answer = await fetch("/sandbox/act", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: S.user, ...body }),
  });
  const reply = await answer.json().catch(() => ({ ok: false, error: w("unreachable", { status: answer.status }) }));
  if (!answer.ok) showProblem(reply.error || w("unreachable", { status: answer.status }));
  else refresh(); // what the act changed, even if its event came while the page was away
  return reply;
}

function showProblem(message) {
  const note = el("div", "msg ephemeral", `<div class="body"><span class="only-you">${esc(message)}</span></div>`);
  $("messages").appendChild(note);
}

function confirmThen(confirm, go) {
  if (!confirm) return go();
  const layer = $("confirm-layer");
  layer.innerHTML = "";
  const box = el("div", "modal confirm");
  box.appendChild(el("header", "", esc(plain(confirm.title) || w("confirm_title"))));
  box.appendChild(el("div", "content", text(confirm.text)));
  const foot = el("footer");
  const deny = el("button", "bk-button", esc(plain(confirm.deny) || w("cancel")));
  const yes = el("button", `bk-button ${confirm.style === "danger" ? "danger" : "primary"}`, esc(plain(confirm.confirm) || w("confirm_yes")));
  deny.type = yes.type = "button";
  deny.onclick = () => { layer.hidden = true; };
  yes.onclick = () => { layer.hidden = true; go(); };
  foot.append(deny, yes);
  box.appendChild(foot);
  layer.appendChild(box);
  layer.hidden = false;
}

function sendAction(ctx, block, element, extra) {
  const action = { type: element.type, action_id: element.action_id, block_id: block.block_id || "", ...extra };
  if (element.text) action.text = element.text;
  if (element.value !== undefined && action.value === undefined) action.value = element.value;
  if (element.style) action.style = element.style;
  const go = () => act({ kind: "click", action, channel: ctx.channel, ts: ctx.ts, ephemeral_ts: ctx.ephemeral_ts, view_id: ctx.view_id });
  confirmThen(element.confirm, go);
}

// ---- Block Kit ------------------------------------------------------------------------------

function optionsOf(element) {
  if (element.option_groups) return element.option_groups.flatMap((g) => g.options);
  return element.options || [];
}

function selectNode(element, items, selected) {
  const select = el("select");
  select.dataset.actionId = element.action_id;
  const first = el("option", "", esc(plain(element.placeholder) || w("select_placeholder")));
  first.value = "";
  select.appendChild(first);
  for (const [value, label] of items) {
    const option = el("option", "", esc(label));
    option.value = value;
    if (value === selected) option.selected = true;
    select.appendChild(option);
  }
  return select;
}

function people() { return Object.entries(S.state.users); }

function elementNode(element, block, ctx, inInput) {
  const t = element.type;
  if (t === "button") {
    const button = el("button", `bk-button ${element.style || ""}`, esc(plain(element.text)));
    button.type = "button";
    if (element.url) button.onclick = () => window.open(element.url, "_blank");
    else button.onclick = () => sendAction(ctx, block, element, {});
    return button;
  }
  if (t === "image") return Object.assign(el("img"), { src: element.image_url, alt: element.alt_text || "" });
  if (t === "static_select" || t === "overflow") {
    const options = optionsOf(element);
    const initial = element.initial_option ? element.initial_option.value : "";
    const select = selectNode(element, options.map((o) => [o.value, plain(o.text)]), initial);
    if (!inInput) select.onchange = () => {
      const picked = options.find((o) => o.value === select.value);
      if (picked) sendAction(ctx, block, element, { selected_option: picked });
    };
    return select;
  }
  if (t === "users_select") {
    const select = selectNode(element, people(), element.initial_user || "");
    select.dataset.kind = "users";
    if (!inInput) select.onchange = () => select.value && sendAction(ctx, block, element, { selected_user: select.value });
    return select;
  }
  if (t === "plain_text_input") {
    const input = element.multiline ? el("textarea") : el("input");
    if (!element.multiline) input.type = "text";
    if (element.multiline) input.rows = 4;
    input.dataset.actionId = element.action_id;
    input.value = element.initial_value || "";
    if (element.placeholder) input.placeholder = plain(element.placeholder);
    if (element.max_length) input.maxLength = element.max_length;
    return input;
  }
  if (t === "datepicker") {
    const input = el("input");
    input.type = "date";
    input.dataset.actionId = element.action_id;
    input.value = element.initial_date || "";
    return input;
  }
  if (t === "checkboxes" || t === "radio_buttons") {
    const box = el("div", "choices");
    box.dataset.actionId = element.action_id;
    const initial = (element.initial_options || (element.initial_option ? [element.initial_option] : [])).map((o) => o.value);
    for (const option of element.options || []) {
      const label = el("label", "bk-choice");
      const input = el("input");
      input.type = t === "checkboxes" ? "checkbox" : "radio";
      input.name = `${block.block_id}-${element.action_id}`;
      input.value = option.value;
      input.checked = initial.includes(option.value);
      label.append(input, el("span", "", " " + text(option.text)));
      box.appendChild(label);
    }
    return box;
  }
  return el("span", "bk-unknown", `[${esc(t)}]`);
}

function richText(block) {
  const span = (e) => {
    if (e.type === "text") {
      let h = esc(e.text).replace(/\n/g, "<br>");
      const st = e.style || {};
      if (st.code) h = `<code>${h}</code>`;
      if (st.bold) h = `<b>${h}</b>`;
      if (st.italic) h = `<i>${h}</i>`;
      if (st.strike) h = `<s>${h}</s>`;
      return h;
    }
    if (e.type === "link") return `<a href="${esc(e.url)}" target="_blank" rel="noopener">${esc(e.text || e.url)}</a>`;
    if (e.type === "user") return `<span class="mention">@${esc(userName(e.user_id))}</span>`;
    if (e.type === "channel") return `<span class="mention">#${esc(channelName(e.channel_id))}</span>`;
    if (e.type === "emoji") return EMOJI[e.name] || `:${esc(e.name)}:`;
    return "";
  };
  const part = (p) => {
    const inner = (p.elements || []).map((e) => (e.elements ? part(e) : span(e))).join("");
    if (p.type === "rich_text_preformatted") return `<pre>${inner}</pre>`;
    if (p.type === "rich_text_quote") return `<div class="quote">${inner}</div>`;
    if (p.type === "rich_text_list") return `<ul>${(p.elements || []).map((e) => `<li>${part(e)}</li>`).join("")}</ul>`;
    return inner;
  };
  return el("div", "bk-rich", (block.elements || []).map(part).join("<br>"));
}

function blockNode(block, ctx) {
  const t = block.type;
  if (t === "header") return el("div", "bk-header", esc(plain(block.text)));
  if (t === "divider") return el("hr", "bk-divider");
  if (t === "context") {
    const node = el("div", "bk-context");
    for (const e of block.elements || []) {
      node.appendChild(e.type === "image" ? elementNode(e, block, ctx) : el("span", "", text(e)));
    }
    return node;
  }
  if (t === "image") {
    const node = el("div", "bk-image");
    if (block.title) node.appendChild(el("div", "title", esc(plain(block.title))));
    node.appendChild(Object.assign(el("img"), { src: block.image_url, alt: block.alt_text || "" }));
    return node;
  }
  if (t === "section") {
    const node = el("div", "bk-section");
    node.dataset.blockId = block.block_id || "";
    const body = el("div", "bk-text", text(block.text));
    if (block.fields) {
      const fields = el("div", "bk-fields");
      for (const f of block.fields) fields.appendChild(el("div", "", text(f)));
      body.appendChild(fields);
    }
    node.appendChild(body);
    if (block.accessory) node.appendChild(elementNode(block.accessory, block, ctx, ctx.inModal));
    return node;
  }
  if (t === "actions") {
    const node = el("div", "bk-actions");
    node.dataset.blockId = block.block_id || "";
    for (const e of block.elements || []) node.appendChild(elementNode(e, block, ctx, false));
    return node;
  }
  if (t === "input") {
    const node = el("div", "bk-input");
    node.dataset.blockId = block.block_id || "";
    const label = el("label", "", esc(plain(block.label)) + (block.optional ? ` <span class="optional">${esc(w("optional"))}</span>` : ""));
    node.appendChild(label);
    node.appendChild(elementNode(block.element, block, ctx, true));
    if (block.hint) node.appendChild(el("div", "hint", esc(plain(block.hint))));
    node.appendChild(el("div", "bk-error"));
    return node;
  }
  if (t === "rich_text") return richText(block);
  return el("div", "bk-unknown", esc(w("unknown_block", { type: t })));
}

function blocksNode(blocks, ctx) {
  const box = el("div", "blocks");
  for (const block of blocks) box.appendChild(blockNode(block, ctx));
  return box;
}

// ---- messages -------------------------------------------------------------------------------

function messageNode(m, channelId, { ephemeral = false, inThread = false } = {}) {
  const isBot = Boolean(m.bot_id) || ephemeral && m.by !== "USLACKBOT";
  const who = ephemeral && m.by === "USLACKBOT" ? "Slackbot" : isBot ? "sdrbot" : userName(m.user);
  const node = el("div", `msg${ephemeral ? " ephemeral" : ""}`);
  node.dataset.ts = ephemeral ? m.message_ts : m.ts;
  node.appendChild(el("div", `avatar${isBot ? " bot" : ""}`, esc(who[0] || "?")));
  const body = el("div", "body");
  const at = when(parseFloat(node.dataset.ts) * 1000, false);
  body.appendChild(el("div", "", `<span class="who">${esc(who)}</span>${isBot ? `<span class="app-tag">${esc(w("app_tag"))}</span>` : ""}<span class="when">${esc(at)}</span>${ephemeral ? `<span class="only-you">${esc(w("only_you"))}</span>` : ""}`));
  const ctx = ephemeral ? { channel: channelId, ts: m.message_ts, ephemeral_ts: m.message_ts } : { channel: channelId, ts: m.ts };
  if (m.blocks && m.blocks.length) body.appendChild(blocksNode(m.blocks, ctx));
  else body.appendChild(el("div", "text", mrkdwn(m.text)));
  for (const f of m.files || []) body.appendChild(fileNode(f));
  if (!inThread && m.reply_count) {
    const replies = el("button", "replies", esc(m.reply_count === 1 ? w("replies_one") : w("replies_many", { count: m.reply_count })));
    replies.type = "button";
    replies.onclick = () => { S.thread = { channel: channelId, ts: m.ts }; render(); };
    body.appendChild(replies);
  }
  node.appendChild(body);
  return node;
}

// a file shared in a message (the digest's chart): an image is shown, anything else named
function fileNode(f) {
  const node = el("div", "file");
  if (/\.(png|jpe?g|gif)$/i.test(f.name || "")) {
    node.appendChild(Object.assign(el("img"), { src: `/sandbox/files/${encodeURIComponent(f.id)}`, alt: f.title || f.name }));
  } else {
    node.textContent = w("file", { name: f.title || f.name });
  }
  return node;
}

function renderChannel() {
  const channel = S.state.channels.find((c) => c.id === S.channel) || S.state.channels[0];
  S.channel = channel.id;
  $("title").textContent = `# ${channel.name}`;
  const box = $("messages");
  // a channel opens at its newest message, as Slack's does; then it follows only a reader at the end
  const atBottom = S.shown !== channel.id || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  S.shown = channel.id;
  box.innerHTML = "";
  const top = channel.messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts).map((m) => [parseFloat(m.ts), messageNode(m, channel.id)]);
  const mine = S.state.ephemerals.filter((e) => e.channel === channel.id).map((e) => [parseFloat(e.message_ts), messageNode(e, channel.id, { ephemeral: true })]);
  for (const [, node] of top.concat(mine).sort((a, b) => a[0] - b[0])) box.appendChild(node);
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function renderThread() {
  const panel = $("thread");
  if (!S.thread || S.home) { panel.hidden = true; return; }
  const channel = S.state.channels.find((c) => c.id === S.thread.channel);
  panel.hidden = false;
  const box = $("thread-messages");
  const key = `${S.thread.channel}:${S.thread.ts}`;
  const atBottom = S.shownThread !== key || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  S.shownThread = key;
  box.innerHTML = "";
  for (const m of channel.messages.filter((m) => m.ts === S.thread.ts || m.thread_ts === S.thread.ts)) {
    box.appendChild(messageNode(m, channel.id, { inThread: true }));
  }
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function renderHome() {
  $("title").textContent = w("home");
  S.shown = null;
  const box = $("messages");
  box.innerHTML = "";
  const view = S.state.home;
  if (!view) { box.appendChild(el("div", "home", esc(w("home_opening")))); return; }
  box.appendChild(el("div", "home")).appendChild(blocksNode(view.blocks || [], { view_id: view.id, inModal: false }));
}

function renderNav() {
  const nav = $("channels");
  nav.innerHTML = "";
  for (const c of S.state.channels) {
    const a = el("a", `chan${!S.home && c.id === S.channel ? " active" : ""}`, `# ${esc(c.name)}`);
    a.href = "#";
    a.dataset.channel = c.name;
    a.onclick = (e) => { e.preventDefault(); S.home = false; S.channel = c.id; S.thread = null; render(); };
    nav.appendChild(a);
  }
  $("home-link").classList.toggle("active", S.home);
  $("composer").hidden = S.home;
}

// ---- modals ---------------------------------------------------------------------------------

function renderModal() {
  const layer = $("modal-layer");
  const view = S.state.modal;
  if (!view) { layer.hidden = true; layer.innerHTML = ""; S.modalKey = null; return; }
  const key = `${view.id}:${view.hash}`;
  if (key === S.modalKey) return; // keep what the person has typed
  S.modalKey = key;
  layer.innerHTML = "";
  const box = el("form", "modal");
  box.dataset.viewId = view.id;
  box.appendChild(el("header", "", esc(plain(view.title))));
  const content = el("div", "content");
  content.appendChild(el("div", "bk-error top"));
  content.appendChild(blocksNode(view.blocks || [], { view_id: view.id, inModal: true }));
  box.appendChild(content);
  const foot = el("footer");
  const close = el("button", "bk-button", esc(plain(view.close) || w("cancel")));
  close.type = "button";
  close.onclick = () => { S.modalKey = null; act({ kind: "close", view_id: view.id }); };
  foot.appendChild(close);
  if (view.submit) {
    const submit = el("button", "bk-button primary", esc(plain(view.submit)));
    submit.type = "submit";
    foot.appendChild(submit);
  }
  box.appendChild(foot);
  box.onsubmit = (e) => { e.preventDefault(); submitModal(box, view); };
  layer.appendChild(box);
  layer.hidden = false;
}

function inputValue(block, node) {
  const element = block.element;
  const t = element.type;
  if (t === "plain_text_input") {
    const v = node.querySelector("input,textarea").value;
    return [v.trim() !== "", { type: t, value: v.trim() === "" ? null : v }];
  }
  if (t === "datepicker") {
    const v = node.querySelector("input").value;
    return [v !== "", { type: t, selected_date: v || null }];
  }
  if (t === "static_select") {
    const v = node.querySelector("select").value;
    const option = optionsOf(element).find((o) => o.value === v) || null;
    return [Boolean(option), { type: t, selected_option: option }];
  }
  if (t === "users_select") {
    const v = node.querySelector("select").value;
    return [v !== "", { type: t, selected_user: v || null }];
  }
  if (t === "checkboxes" || t === "radio_buttons") {
    const picked = [...node.querySelectorAll("input:checked")].map((i) => i.value);
    const options = (element.options || []).filter((o) => picked.includes(o.value));
    if (t === "checkboxes") return [options.length > 0, { type: t, selected_options: options }];
    return [options.length > 0, { type: t, selected_option: options[0] || null }];
  }
  return [true, { type: t }];
}

async function submitModal(form, view) {
  const values = {};
  let missing = false;
  for (const node of form.querySelectorAll(".bk-error")) node.textContent = "";
  for (const block of view.blocks || []) {
    if (block.type !== "input") continue;
    const node = form.querySelector(`.bk-input[data-block-id="${CSS.escape(block.block_id)}"]`);
    const [filled, value] = inputValue(block, node);
    values[block.block_id] = { [block.element.action_id]: value };
    if (!filled && !block.optional) {
      node.querySelector(".bk-error").textContent = w("required");
      missing = true;
    }
  }
  if (missing) return; // Slack's client refuses the submission itself; the app sees nothing
  const reply = await act({ kind: "submit", view_id: view.id, values });
  if (reply.errors) {
    for (const [blockId, message] of Object.entries(reply.errors)) {
      const node = form.querySelector(`.bk-input[data-block-id="${CSS.escape(blockId)}"] .bk-error`) || form.querySelector(".bk-error.top");
      node.textContent = message;
    }
  } else if (reply.error) {
    form.querySelector(".bk-error.top").textContent = reply.error;
  }
}

// ---- the page -------------------------------------------------------------------------------

function render() {
  if (!S.state) return;
  renderNav();
  if (S.home) renderHome(); else renderChannel();
  renderThread();
  renderModal();
  if (S.config.controls) $("clock-now").textContent = w("clock_now", { now: when(Date.parse(S.state.now), true) });
  document.body.dataset.version = String(S.state.version);
}

let fetching = null, again = false;
async function refresh() {
  if (fetching) { again = true; return fetching; }
  fetching = (async () => {
    try {
      do {
        again = false;
        const answer = await fetch(`/sandbox/state?user=${encodeURIComponent(S.user)}`);
        S.state = await answer.json();
        render();
      } while (again);
    } catch (err) {
      // the server is away for a moment: the next change it announces refreshes the page
    } finally {
      fetching = null;
    }
  })();
  return fetching;
}

function openHome() {
  S.home = true;
  S.thread = null;
  render();
  act({ kind: "home" });
}

function words() {
  document.documentElement.lang = S.config.locale;
  document.title = w("title");
  for (const node of document.querySelectorAll("[data-word]")) node.textContent = w(node.dataset.word);
  for (const node of document.querySelectorAll("[data-word-placeholder]")) node.placeholder = w(node.dataset.wordPlaceholder);
  for (const node of document.querySelectorAll("[data-word-label]")) node.setAttribute("aria-label", w(node.dataset.wordLabel));
}

// "advance one working day" and "post the digest now": each runs the bot's real jobs
function controls() {
  $("clock-box").hidden = false;
  const note = $("control-note");
  const press = (button, path, said) => {
    button.onclick = async () => {
      for (const b of $("clock-box").querySelectorAll("button")) b.disabled = true;
      note.textContent = w("busy");
      try {
        const answer = await fetch(path, { method: "POST" });
        const reply = await answer.json().catch(() => ({ ok: false, error: w("unreachable", { status: answer.status }) }));
        note.textContent = reply.ok ? said(reply) : reply.error;
      } catch (err) {
        note.textContent = w("unreachable", { status: "–" });
      } finally {
        for (const b of $("clock-box").querySelectorAll("button")) b.disabled = false;
        refresh();
      }
    };
  };
  press($("clock-advance"), "/sandbox/clock", () => w("clock_advanced"));
  press($("digest-now"), "/sandbox/digest", (reply) => w("digest_posted", { week: reply.week }));
}

async function start() {
  S.config = await (await fetch("/sandbox/config")).json();
  words();
  const params = new URLSearchParams(location.search);
  const select = $("user");
  for (const p of S.config.people) {
    const option = el("option", "", `${esc(p.name)} · ${esc(p.role)}`);
    option.value = p.id;
    select.appendChild(option);
  }
  S.user = params.get("user") || S.config.people[0].id;
  select.value = S.user;
  select.onchange = () => { S.user = select.value; S.modalKey = null; if (S.home) openHome(); refresh(); };
  S.channel = S.config.channels[params.get("channel") || "sdr-alerts"];
  $("home-link").onclick = (e) => { e.preventDefault(); openHome(); };
  $("thread-close").onclick = () => { S.thread = null; render(); };
  const send = (box, extra) => async (e) => {
    e.preventDefault();
    const value = box.value;
    if (!value.trim()) return;
    box.value = "";
    await act({ kind: "message", channel: S.thread && extra ? S.thread.channel : S.channel, text: value, ...(extra ? extra() : {}) });
  };
  $("composer").onsubmit = send($("message-box"));
  $("thread-composer").onsubmit = send($("thread-box"), () => ({ thread_ts: S.thread.ts }));
  $("message-box").onkeydown = (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); } };
  if (S.config.stream) {
    $("stream-box").hidden = false;
    const toggle = $("stream-toggle");
    let paused = S.config.stream.paused;
    const label = () => { toggle.textContent = paused ? w("stream_resume") : w("stream_pause"); };
    label();
    toggle.onclick = async () => {
      const answer = await fetch("/sandbox/stream", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ paused: !paused }) });
      paused = (await answer.json()).paused;
      label();
    };
  }
  if (S.config.controls) controls();
  await refresh();
  const events = new EventSource("/sandbox/events");
  events.onmessage = () => refresh();
  document.body.dataset.ready = "1";
}

start();
