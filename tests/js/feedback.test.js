// OraXBlock.feedback: what the learner's feedback form sends, and what the page does with the answer.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { document, h } = require("./dom");
const { load, asSent } = require("./load");

const { OraXBlock } = load("feedback.js");
const USEFUL = "These assessments were useful.";
const DISAGREE = "I disagree with one or more of the peer assessments of my response.";

/* The form as the template draws it, with ``checked`` statements ticked and ``comment`` typed. */
function form(checked, comment) {
  const box = (value) => h("input", { type: "checkbox", name: "feedback-option", value, checked: checked.includes(value) ? "" : undefined });
  const textarea = h("textarea", { class: "ora-feedback-comment" });
  textarea.value = comment;
  return h("form", { class: "ora-feedback-form" },
    h("fieldset", {}, h("label", {}, box(USEFUL)), h("label", {}, box(DISAGREE))),
    textarea, h("ul", { class: "ora-errors" }), h("button", { type: "submit" }));
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

/* Bind ``section`` and submit its form as a click on "Send feedback" does; resolves once the answer is shown. */
function submitted(section, page) {
  const shown = section.querySelector(".ora-feedback-form");
  let handler = null;
  shown.addEventListener = (type, listener) => { if (type === "submit") { handler = listener; } };
  OraXBlock.feedback.bind(section, page);
  let prevented = false;
  const outcome = handler({ preventDefault: () => { prevented = true; } });
  assert.equal(prevented, true);
  return outcome;
}

test("the form sends the ticked statements as stored, in the page's order, and the comment as typed", () => {
  assert.deepEqual(asSent(OraXBlock.feedback.read(form([DISAGREE, USEFUL], " Thanks. "))), {
    options: [USEFUL, DISAGREE],
    comment: " Thanks. "
  });
  assert.deepEqual(asSent(OraXBlock.feedback.read(form([], ""))), { options: [], comment: "" });
});

test("once sent, the page comes back and the thanks takes the focus", async () => {
  const thanks = h("p", { class: "ora-feedback-thanks" });
  const page = pageAnswering({ ok: true, status: 200, body: { html: "" } }, h("div", {}, thanks));
  const section = h("section", {}, form([USEFUL], "Helpful."));

  await submitted(section, page);

  assert.equal(page.sent.length, 1);
  assert.deepEqual(page.sent[0].body, { options: [USEFUL], comment: "Helpful." });
  assert.equal(page.sent[0].name, "submit_feedback");
  assert.equal(page.sent[0].list, section.querySelector(".ora-errors"));
  assert.equal(page.sent[0].message, "Thank you for your feedback.");
  assert.equal(document.activeElement, thanks);
});

test("a refusal leaves the form as it was, its button usable again", async () => {
  const page = pageAnswering({ ok: false, status: 400, body: { error: { code: "feedback_empty" } } }, h("div", {}));
  const section = h("section", {}, form([], ""));
  const button = section.querySelector("button");

  await submitted(section, page);

  assert.equal(page.sent.length, 1);
  assert.equal(page.sent[0].busy, true);  // a second click while it was on its way sent nothing
  assert.equal(button.disabled, false);
});

test("feedback already given shows no form, and nothing is bound", () => {
  assert.doesNotThrow(() => OraXBlock.feedback.bind(h("section", {}, h("p", { class: "ora-feedback-thanks" })), {}));
});
