// The roster: everyone the visitor can act as.

import { app } from "./state.js";
import { el, hue, place } from "./dom.js";
import { openChat } from "./tabs.js";

export function renderRoster() {
  const list = document.getElementById("roster-list");
  list.replaceChildren();
  for (const person of app.roster) {
    const open = app.chats.has(person.key);
    list.append(
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: `person${open ? " open" : ""}`,
            dataset: { person: person.key },
            onclick: () => {
              openChat(person.key);
              document.body.classList.remove("roster-open");
            },
          },
          el("span", { class: "avatar", style: `--hue:${hue(person)}` }, person.name.slice(0, 1)),
          el(
            "span",
            { class: "person-text" },
            el("span", { class: "person-name" }, person.name),
            el("span", { class: "person-role" }, person.role_zh, el("span", { class: "en" }, ` · ${person.role_en}`)),
            el("span", { class: "person-place" }, place(person)),
          ),
        ),
      ),
    );
  }
}
