// Rendering messages: bubbles, inline and reply keyboards, unread badges, scrolling and toasts.

import { app } from "./state.js";
import { t } from "./labels.js";
import { el, hhmm } from "./dom.js";
import { richText } from "./richtext.js";
import { press, tapKeyboardButton } from "./acting.js";
import { distanceM } from "./attachments.js";

function renderMessage(view, item) {
  const message = item.message;
  const fromBot = item.direction === "out";
  const bubble = el("div", {
    class: `msg ${fromBot ? "bot" : "me"}`,
    dataset: { messageId: item.message_id },
  });
  const body = el("div", { class: "bubble" });
  bubble.append(body);

  if (item.file_url && message.photo) {
    const img = el("img", { class: "photo", src: item.file_url, alt: "photo" });
    img.addEventListener("load", () => scrollToEnd(view, view.stick)); // it grew the chat
    body.append(img);
  } else if (item.file_url && message.document) {
    const doc = message.document;
    const name = doc.file_name || "document";
    body.append(
      el(
        "a",
        { class: "document", href: item.file_url, download: name, target: "_blank" },
        el("span", { class: "doc-icon" }, "📄"),
        el(
          "span",
          { class: "doc-text" },
          el("span", { class: "doc-name" }, name),
          el("span", { class: "doc-size" }, `${Math.max(1, Math.round((doc.file_size || 0) / 1024))} KB · ${t("download")}`),
        ),
      ),
    );
  } else if (message.sticker) {
    body.append(el("div", { class: "sticker" }, message.sticker.emoji || "🙂"));
  }
  if (message.contact) {
    body.append(
      el("div", { class: "contact" }, `📱 ${t("contact")}: ${message.contact.first_name || ""} ${message.contact.phone_number}`),
    );
  }
  if (message.location) {
    const loc = message.location;
    const d = distanceM(view.person.home, loc.latitude, loc.longitude);
    body.append(
      el(
        "div",
        { class: "location" },
        `📍 ${t("location")}: ${loc.latitude.toFixed(5)}, ${loc.longitude.toFixed(5)}`,
        el("span", { class: "loc-distance" }, ` ${t("loc_distance", { village: view.person.home.village, distance: d })}`),
      ),
    );
  }
  const text = message.text !== undefined ? message.text : message.caption;
  if (text) {
    const entities = message.text !== undefined ? message.entities : message.caption_entities;
    body.append(el("div", { class: "text" }, richText(text, entities, fromBot ? view : null)));
  }
  body.append(
    el(
      "span",
      { class: "meta" },
      item.edited ? `${t("edited")} ` : "",
      hhmm(message.edit_date || message.date),
    ),
  );

  const markup = message.reply_markup;
  if (fromBot && markup && markup.inline_keyboard) {
    const kb = el("div", { class: "ikb" });
    for (const row of markup.inline_keyboard) {
      const rowNode = el("div", { class: "ikb-row" });
      for (const button of row) {
        const node = el("button", { type: "button", class: "ikb-btn" }, button.text);
        if (button.url) {
          node.addEventListener("click", () => window.open(button.url, "_blank", "noopener"));
        } else if (button.callback_data !== undefined) {
          node.addEventListener("click", () => press(view, item.message_id, button, node));
        } else {
          node.disabled = true;
        }
        if (button.text === "·") node.classList.add("noop");
        rowNode.append(node);
      }
      kb.append(rowNode);
    }
    bubble.append(kb);
    bubble.classList.add("has-kb");
  }
  return bubble;
}

export function applyMessages(view, items) {
  let added = 0;
  for (const item of items) {
    const old = view.nodes.get(item.message_id);
    if (item.deleted) {
      if (old) old.remove();
      view.nodes.delete(item.message_id);
      continue;
    }
    const node = renderMessage(view, item);
    if (old) {
      old.replaceWith(node);
      node.classList.add("flash"); // a short highlight: the bot edited this message
      setTimeout(() => node.classList.remove("flash"), 1200);
    } else {
      let before = null;
      for (const [id, existing] of view.nodes) {
        if (id > item.message_id && (!before || Number(before.dataset.messageId) > id)) before = existing;
      }
      view.messages.insertBefore(node, before);
      if (item.direction === "out") added += 1;
    }
    view.nodes.set(item.message_id, node);
  }
  // the first poll after a (re)load brings the history: that is not news
  if (added && view.primed && !isVisible(view)) {
    view.unread += added;
    updateBadge(view);
  }
  if (items.length) scrollToEnd(view, view.stick);
  if (added && !view.stick) view.jump.hidden = false; // news below the visitor's reading
}

function isVisible(view) {
  return app.active === view.person.key || document.body.classList.contains("side-by-side");
}

export function updateBadge(view) {
  const badge = view.tab.querySelector(".badge");
  badge.hidden = !view.unread;
  badge.textContent = view.unread ? String(view.unread) : "";
  badge.title = t("unread", { n: view.unread });
}

export function isNearEnd(view) {
  const box = view.messages;
  return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
}

export function scrollToEnd(view, force) {
  if (force) {
    requestAnimationFrame(() => {
      view.messages.scrollTop = view.messages.scrollHeight;
    });
  }
}

export function renderKeyboard(view, keyboard) {
  const key = JSON.stringify(keyboard || null);
  if (key === view.keyboardKey) return;
  view.keyboardKey = key;
  view.keyboard = keyboard;
  view.replyKb.replaceChildren();
  view.input.placeholder = (keyboard && keyboard.input_field_placeholder) || t("placeholder");
  scrollToEnd(view, view.stick); // the chat area changes height with the keyboard
  if (!keyboard || !keyboard.keyboard) {
    view.replyKb.hidden = true;
    return;
  }
  for (const row of keyboard.keyboard) {
    const rowNode = el("div", { class: "rkb-row" });
    for (const button of row) {
      const label = typeof button === "string" ? button : button.text;
      rowNode.append(
        el("button", { type: "button", class: "rkb-btn", onclick: () => tapKeyboardButton(view, button) }, label),
      );
    }
    view.replyKb.append(rowNode);
  }
  view.replyKb.hidden = false;
}

export function toast(view, text, alert) {
  if (alert) {
    const box = el(
      "div",
      { class: "toast alert", role: "alertdialog" },
      el("div", { class: "toast-text" }, text),
      el("button", { type: "button", onclick: () => box.remove() }, t("ok")),
    );
    view.toasts.append(box);
    return;
  }
  const box = el("div", { class: "toast", role: "status" }, text);
  view.toasts.append(box);
  setTimeout(() => box.classList.add("fade"), 2200);
  setTimeout(() => box.remove(), 2700);
}
