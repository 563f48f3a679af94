// Acting as the person: what a visitor types, sends or presses goes to the emulator as that
// person's update.

import { app } from "./state.js";
import { t } from "./labels.js";
import { post } from "./dom.js";
import { hidePopups } from "./panel.js";
import { scrollToEnd, toast } from "./messages.js";
import { schedulePoll } from "./polling.js";

export async function act(view, body) {
  const person = view.person;
  if (body.kind !== "press") {
    view.stick = true; // like Telegram: what one sends scrolls the chat to its end
    scrollToEnd(view, true);
  }
  try {
    await post(`/sandbox/chats/${person.user_id}/send`, {
      first_name: person.name,
      language_code: app.lang,
      ...body,
    });
    view.exists = true;
  } catch (error) {
    toast(view, t("send_failed", { error: error.message }), true);
  }
  schedulePoll(120);
}

export function sendText(view, text) {
  return act(view, { kind: "text", text });
}

export function sendPhoto(view, base64) {
  const caption = view.input.value.trim();
  view.input.value = "";
  return act(view, { kind: "photo", data_base64: base64, caption: caption || null });
}

export function press(view, messageId, button, node) {
  node.classList.add("pending");
  setTimeout(() => node.classList.remove("pending"), 1500);
  return act(view, { kind: "press", message_id: messageId, data: button.callback_data });
}

export function tapKeyboardButton(view, button) {
  const text = typeof button === "string" ? button : button.text;
  if (button.request_contact) {
    return act(view, { kind: "contact", phone: view.person.phone });
  }
  if (button.request_location) {
    hidePopups(view);
    view.locPicker.hidden = false;
    return;
  }
  return sendText(view, text);
}
