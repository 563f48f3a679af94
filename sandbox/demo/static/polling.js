// Polling: what changed in each open chat, applied to its panel; slower while the page is
// hidden.

import { HIDDEN_POLL_MS, POLL_MS, app } from "./state.js";
import { api } from "./dom.js";
import { refreshCommands, renderStartBar } from "./panel.js";
import { applyMessages, renderKeyboard, toast } from "./messages.js";
import { showClock } from "./clock.js";

export function schedulePoll(delay) {
  if (app.polling) {
    app.pollAgain = true;
    return;
  }
  clearTimeout(app.pollTimer);
  app.pollTimer = setTimeout(poll, delay);
}

async function poll() {
  app.polling = true;
  try {
    const cursors = app.order.map((key) => {
      const view = app.chats.get(key);
      return `${view.person.user_id}.${view.rev}.${view.answersSeen}`;
    });
    const body = await api(`/demo/api/poll?chats=${cursors.join(",")}`);
    document.body.classList.remove("offline");
    for (const key of app.order) {
      const view = app.chats.get(key);
      const state = body.chats[String(view.person.user_id)];
      if (!state) continue;
      view.exists = true;
      if (state.messages.length) applyMessages(view, state.messages);
      view.rev = state.rev;
      renderKeyboard(view, state.keyboard);
      // after a reload, presses answered long ago are history, not news
      if (view.primed) for (const answer of state.answers) toast(view, answer.text, answer.show_alert);
      view.primed = true;
      view.answersSeen = state.answers_seen;
      renderStartBar(view);
    }
    showClock(body.clock, false);
    if (body.commands_ready && !Object.keys(app.commands).length) refreshCommands();
  } catch (error) {
    document.body.classList.add("offline");
  } finally {
    app.polling = false;
  }
  const again = app.pollAgain;
  app.pollAgain = false;
  schedulePoll(again ? 50 : document.hidden ? HIDDEN_POLL_MS : POLL_MS);
}
