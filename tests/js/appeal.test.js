// OraXBlock.appeal: what the learner's appeal form sends, and what the page does with the answer.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { document, h } = require("./dom");
const { load, asSent } = require("./load");

const { OraXBlock } = load("feedback.js", "appeal.js");  // the appeal sends as the feedback form does

/* The form as templates/appeal.html draws it, with ``reason`` typed. */
function form(reason) {
  const textarea = h("textarea", { class: "ora-appeal-reason-input" });
  textarea.value = reason;
  return h("form", { class: "ora-appeal-form" }, textarea, h("ul", { class: "ora-errors" }), h("button", { type: "submit" }));
}

/* A learner's page that answers ``result`` to every post; ``sent`` gathers what was posted. */
function pageAnswering(result, content) {
  const sent = [];
  return {
    sent,
    content,
    send: (name, body, list, message) => {
      const busy = list.parentElement.querySelector("button").disabled;
      sent.push({ name, body: asSent(body), list, message, busy });
      return Promise.resolve(result);
    }
  };
}

/* Bind ``section`` and submit its form as a click on "Send appeal" does; resolves once the answer is shown. */
function submitted(section, page) {
  const shown = section.querySelector(".ora-appeal-form");
  let handler = null;
  shown.addEventListener = (type, listener) => { if (type === "submit") { handler = listener; } };
  OraXBlock.appeal.bind(section, page);
  let prevented = false;
  const outcome = handler({ preventDefault: () => { prevented = true; } });
  assert.equal(prevented, true);
  return outcome;
}

test("once sent, the reason goes as typed and the appeal's state takes the focus", async () => {
  const state = h("p", { class: "ora-appeal-state" });
  const page = pageAnswering({ ok: true, status: 200, body: { html: "" } }, h("div", {}, state));
  const section = h("section", {}, form(" A reviewer missed my point. "));

  await submitted(section, page);

  assert.equal(page.sent.length, 1);
  assert.equal(page.sent[0].name, "appeal");
  assert.deepEqual(page.sent[0].body, { reason: " A reviewer missed my point. " });
  assert.equal(page.sent[0].list, section.querySelector(".ora-errors"));
  assert.equal(page.sent[0].message, "Your appeal was sent to course staff.");
  assert.equal(document.activeElement, state);
});

test("a refusal leaves the form as it was, its button usable again", async () => {
  const page = pageAnswering({ ok: false, status: 400, body: { error: { code: "reason_required" } } }, h("div", {}));
  const section = h("section", {}, form(""));

  await submitted(section, page);

  assert.equal(page.sent[0].busy, true);  // a second click while it was on its way sent nothing
  assert.equal(section.querySelector("button").disabled, false);
});

test("an appeal already made shows no form, and nothing is bound", () => {
  assert.doesNotThrow(() => OraXBlock.appeal.bind(h("section", {}, h("p", { class: "ora-appeal-state" })), {}));
});
