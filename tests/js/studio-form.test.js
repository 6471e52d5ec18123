// OraXBlock.studioForm: what the Studio editor's form turns into, the JSON the editor saves (definition.codec's
// shape), and where each value came from, for the validator's verdicts.
"use strict";

process.env.TZ = "Europe/Paris";

const test = require("node:test");
const assert = require("node:assert/strict");
const { h } = require("./dom");
const { load, asSent } = require("./load");

const { studioForm } = load("when.js", "studio-form.js").OraXBlock;

const check = (attributes) => h("input", { type: "checkbox", ...attributes });
const text = (key, value, attributes = {}) => h("input", { type: "text", "data-key": key, value, ...attributes });
const area = (key, value, attributes = {}) => h("textarea", { "data-key": key, value, ...attributes });

function option(name, points) {
  return h("li", { "data-item": "option" }, text("name", name), text("label", name.toUpperCase()),
    h("input", { type: "number", "data-key": "points", "data-type": "int", value: points }));
}

function step(name, enabled, ...body) {
  return h("li", { class: "ora-item ora-step-item", "data-item": "step", "data-step": name },
    h("div", { class: "ora-step-head" }, h("label", {}, check({ class: "ora-step-enabled", checked: enabled || undefined }))),
    h("div", { class: "ora-step-body" }, ...body));
}

/* A date input as prepared (stored in UTC, shown in the author's zone), then set to ``typed``. */
function date(key, stored, shown, typed = shown) {
  return h("input", { type: "datetime-local", "data-key": key, "data-type": "date", "data-utc": stored,
    "data-shown": shown, value: typed });
}

/* The form as studio_form.html renders it (its parts that carry values), after a few edits. */
function form({ askFeedback }) {
  const root = h("form", { class: "ora-studio-form" },
    h("div", { role: "tabpanel", "data-section": "settings" },
      h("div", { class: "ora-field" }, text("title", "Price controls")),
      h("div", { class: "ora-field" }, h("input", { type: "number", "data-key": "leaderboard_show", "data-type": "int", value: " 3 " })),
      h("div", { "data-object": "teams" },
        h("label", {}, check({ "data-key": "enabled", "data-type": "bool", checked: true })),
        text("teamset_id", ""))),
    h("div", { role: "tabpanel", "data-section": "prompts" },
      h("ol", { "data-list": "prompts" },
        h("li", { "data-item": "prompt" }, area("description", "Explain the price ceiling.")),
        h("li", { "data-item": "prompt" }, area("description", "Then its effect.")))),
    h("div", { role: "tabpanel", "data-section": "rubric" },
      h("div", { "data-object": "rubric" },
        h("ol", { "data-list": "criteria" },
          h("li", { "data-item": "criterion" }, text("name", "ideas"), text("label", "Ideas"),
            h("select", { "data-key": "feedback", value: "optional" }),
            h("ol", { "data-list": "options" }, option("weak", "0"), option("strong", "two")))),
        h("label", {}, check({ class: "ora-ask-feedback", checked: askFeedback || undefined })),
        area("feedback_prompt", "Say more.", { "data-type": "asked" }),
        area("feedback_default_text", "", { "data-type": "optional" }))),
    h("div", { role: "tabpanel", "data-section": "responses" },
      text("white_listed_file_types", "pdf, , txt ", { "data-type": "list" }),
      h("select", { "data-key": "file_upload_type", "data-type": "optional", value: "" }),
      h("fieldset", { "data-key": "date_config_type", "data-type": "choice" },
        h("input", { type: "radio", value: "manual" }), h("input", { type: "radio", value: "subsection", checked: true }))),
    h("div", { role: "tabpanel", "data-section": "steps" },
      date("submission_start", "2026-03-01T15:30:00Z", "2026-03-01T16:30:00"),
      date("submission_due", "2026-03-20T15:30:00Z", "2026-03-20T16:30:00", "2026-03-21T09:00:00"),
      date("submission_end", "", ""),
      h("ol", { "data-list": "steps" },
        step("student-training", true,
          h("ol", { "data-list": "examples" },
            h("li", { class: "ora-example-item", "data-item": "example" },
              h("div", { class: "ora-example-answer" },
                h("textarea", { "data-part": "", value: "Prices stay low." }), h("textarea", { "data-part": "", value: "" })),
              h("div", { class: "ora-example-selections" },
                h("select", { "data-criterion": "ideas", value: "strong" }), h("select", { "data-criterion": "style", value: "" }))))),
        step("peer-assessment", false, h("input", { type: "number", "data-key": "must_grade", "data-type": "int", value: "2" })),
        step("self-assessment", true, h("label", {}, check({ "data-key": "required", "data-type": "bool" }))))),
    h("div", { class: "ora-templates" }, text("title", "from a template, never read")));
  return root;
}

test("the form is read as the editor's JSON, each value as its data-type says", () => {
  const { definition } = studioForm.read(form({ askFeedback: true }));
  assert.deepEqual(asSent(definition), {
    title: "Price controls",
    leaderboard_show: 3,
    teams: { enabled: true, teamset_id: "" },
    prompts: [{ description: "Explain the price ceiling." }, { description: "Then its effect." }],
    rubric: {
      criteria: [{
        name: "ideas",
        label: "Ideas",
        feedback: "optional",
        options: [
          { name: "weak", label: "WEAK", points: 0 },
          { name: "strong", label: "STRONG", points: "two" }, // not a whole number: sent as typed, for the validator
        ],
      }],
      feedback_prompt: "Say more.",
      feedback_default_text: null,
    },
    white_listed_file_types: ["pdf", "txt"],
    file_upload_type: null,
    date_config_type: "subsection",
    submission_start: "2026-03-01T15:30:00Z", // untouched: as stored, whatever the zone
    submission_due: "2026-03-21T08:00:00Z", // edited: the author's Paris time, in UTC
    submission_end: null,
    steps: [
      {
        name: "student-training",
        examples: [{ answer: ["Prices stay low."], options_selected: { ideas: "strong" } }],
      },
      { name: "self-assessment", required: false },
    ],
  });
});

test("the overall feedback prompt is sent only while feedback is asked for", () => {
  assert.equal(studioForm.read(form({ askFeedback: false })).definition.rubric.feedback_prompt, null);
});

test("each editor path names the element that holds it, lists numbered from 1 over the steps that are on", () => {
  const root = form({ askFeedback: true });
  const { fields } = studioForm.read(root);
  assert.equal(fields["rubric/criteria[1]/options[2]/points"].value, "two");
  assert.equal(fields["rubric/criteria[1]"].dataset.item, "criterion");
  assert.equal(fields["steps[2]"].dataset.step, "self-assessment"); // the peer step is off, so not counted
  assert.equal(fields["steps[1]/examples[1]/answer"], root.querySelector(".ora-example-answer"));
  assert.equal(fields.date_config_type.tagName, "FIELDSET");
  assert.equal(fields.title.value, "Price controls"); // the form's own, not the template's
});

test("items and own see an item's own parts, not those of the items nested in it", () => {
  const criterion = form({ askFeedback: true }).querySelector("[data-item=criterion]");
  assert.deepEqual(asSent(studioForm.own(criterion, "[data-key=name]").map((input) => input.value)), ["ideas"]);
  assert.equal(studioForm.items(criterion.querySelector("[data-list=options]")).length, 2);
});
