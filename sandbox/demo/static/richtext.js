// Telegram text: a message's entities turned into DOM nodes (never HTML), /commands made
// tappable.

import { el } from "./dom.js";
import { sendText } from "./acting.js";

const ENTITY_TAGS = {
  bold: "b",
  italic: "i",
  underline: "u",
  strikethrough: "s",
  code: "code",
  pre: "pre",
  spoiler: "span",
  text_link: "a",
  blockquote: "blockquote",
  expandable_blockquote: "blockquote",
  custom_emoji: "span",
  bot_command: "span",
};
const COMMAND_IN_TEXT = /(^|[\s(（「])(\/[A-Za-z][A-Za-z0-9_]{0,31})(?=$|[\s,.;:!?，。；：！？)）」])/g;

function entityNode(entity, view) {
  const node = document.createElement(ENTITY_TAGS[entity.type]);
  if (entity.type === "spoiler") {
    node.className = "spoiler";
    node.title = "spoiler";
    node.addEventListener("click", () => node.classList.add("revealed"));
  } else if (entity.type === "text_link") {
    const url = String(entity.url || "");
    if (/^(https?:|tg:|mailto:)/i.test(url)) {
      node.href = url;
      node.target = "_blank";
      node.rel = "noopener noreferrer";
    }
  } else if (entity.type === "bot_command") {
    node.className = "cmd";
  }
  return node;
}

/** Plain text, with /commands made tappable (Telegram clients link them in bot text).
 * ``before`` is the character ahead of ``text`` in the message: "1</b>/10" is no command. */
function appendPlain(parent, text, view, before) {
  if (!view) {
    parent.append(text);
    return;
  }
  let last = 0;
  for (const match of text.matchAll(COMMAND_IN_TEXT)) {
    if (match.index === 0 && !match[1] && before && !/\s/.test(before)) continue;
    const start = match.index + match[1].length;
    if (start > last) parent.append(text.slice(last, start));
    const command = match[2];
    parent.append(
      el("a", { class: "cmd", href: "#", onclick: (e) => { e.preventDefault(); sendText(view, command); } }, command),
    );
    last = start + command.length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

/** Build DOM from a text and its entities; offsets are UTF-16 units, as JS strings are. */
export function richText(text, entities, view) {
  const out = document.createDocumentFragment();
  const list = (entities || [])
    .filter((e) => ENTITY_TAGS[e.type] && e.length > 0)
    .slice()
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  const build = (parent, start, end, items, linkify) => {
    let pos = start;
    let i = 0;
    while (i < items.length) {
      const entity = items[i];
      if (entity.offset < pos) {
        i += 1; // overlaps what was already placed: Telegram never sends this
        continue;
      }
      if (entity.offset > pos) {
        appendPlain(parent, text.slice(pos, entity.offset), linkify, text[pos - 1]);
      }
      const stop = Math.min(entity.offset + entity.length, end);
      const inner = [];
      let j = i + 1;
      while (j < items.length && items[j].offset < stop) {
        if (items[j].offset + items[j].length <= stop) inner.push(items[j]);
        j += 1;
      }
      const node = entityNode(entity, linkify);
      const plainInside = ["code", "pre", "text_link", "bot_command"].includes(entity.type);
      build(node, entity.offset, stop, inner, plainInside ? null : linkify);
      parent.append(node);
      pos = stop;
      i = j;
    }
    if (pos < end) appendPlain(parent, text.slice(pos, end), linkify, text[pos - 1]);
  };
  build(out, 0, text.length, list, view);
  return out;
}
