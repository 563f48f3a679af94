// What the page knows: the roster, the bot's commands, the demo clock and the open chats (one
// view each); and how often it polls.

export const POLL_MS = 700;
export const HIDDEN_POLL_MS = 3000;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export const app = {
  lang: localStorage.getItem("cadrebot-demo-lang") === "en" ? "en" : "zh",
  roster: [],
  byKey: new Map(),
  commands: {},
  clock: null,
  framework: "",
  chats: new Map(), // user key -> chat view state
  order: [], // open tabs, in tab order
  active: null,
  pollTimer: null,
  polling: false,
  pollAgain: false,
};
