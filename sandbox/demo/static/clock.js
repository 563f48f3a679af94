// The demo clock: moving the demo day and running the scheduler's sweeps for it.

import { app } from "./state.js";
import { t } from "./labels.js";
import { post } from "./dom.js";
import { schedulePoll } from "./polling.js";

export function showClock(clock, force) {
  if (!clock) return;
  const changed = !app.clock || app.clock.today !== clock.today;
  app.clock = clock;
  const input = document.getElementById("clock-date");
  if (force || (changed && document.activeElement !== input)) input.value = clock.today;
  document.body.classList.toggle("clock-shifted", !!clock.shifted);
}

export function clockStatus(text) {
  const box = document.getElementById("clock-status");
  box.textContent = text;
  box.hidden = !text;
}

const SWEEP_NAMES = {
  leave_overdue: ["请假审批超时", "overdue leave steps"],
  removal: ["免职预警", "removal warnings"],
  daily_nudge: ["签到提醒", "check-in nudges"],
  weekly: ["每周提醒", "weekly reminders"],
  monthly_review: ["月度考勤", "monthly review"],
  quarterly_sheets: ["季度报表", "quarterly sheets"],
  assessment: ["年度考核", "assessment"],
};

function sweepName(name) {
  const names = SWEEP_NAMES[name];
  if (!names) return name;
  return app.lang === "en" ? names[1] : names[0];
}

export async function runClock(dateText) {
  const button = document.getElementById("clock-run");
  button.disabled = true;
  try {
    const body = await post("/demo/api/clock", { date: dateText });
    showClock(body.clock, true);
    const report = body.report;
    if (!dateText) {
      clockStatus(t("clock_reset_done", { day: body.clock.today }));
    } else if (report.available) {
      const planned = Object.entries(report.planned || {}).filter(([, n]) => n > 0);
      const sweeps = planned.length
        ? planned.map(([name, n]) => `${sweepName(name)} ×${n}`).join(app.lang === "en" ? ", " : "、")
        : t("clock_none");
      const problem = report.detail ? ` ⚠️ ${report.detail}` : "";
      clockStatus(t("clock_ran", { day: report.day, sweeps, sent: report.sent }) + problem);
    } else {
      clockStatus(t("clock_unavailable", { day: report.day, detail: report.detail }));
    }
  } catch (error) {
    clockStatus(t("send_failed", { error: error.message }));
  } finally {
    button.disabled = false;
    schedulePoll(150);
  }
}
