// OraXBlock.team: what a team member's save sends, and how the server's answer is merged into their page
// (docs/decisions/0031-team-responses.md).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load, asSent } = require("./load");

const { OraXBlock } = load("team.js");
const { request, merge } = OraXBlock.team;

const base = (...entries) => entries.map(([text, revision]) => ({ text, revision }));

test("a save sends only the prompts the member changed since their base, with every base revision", () => {
  const sent = request(base(["Intro", 2], ["Method", 5]), ["Intro", "Method, with a chart"]);
  assert.deepEqual(asSent(sent), { answers: [null, "Method, with a chart"], revisions: [2, 5] });
});

test("a written prompt takes the new revision, and an untouched one takes a teammate's newer text", () => {
  const merged = merge(
    base(["Intro", 2], ["Method", 5]),
    [null, "Method, with a chart"],
    ["Intro", "Method, with a chart"],
    { texts: ["Intro, by Bob", "Method, with a chart"], revisions: [3, 6], authors: ["bob", "alice"], conflicts: [] }
  );
  assert.deepEqual(asSent(merged), {
    base: base(["Intro, by Bob", 3], ["Method, with a chart", 6]),
    updates: [{ index: 0, text: "Intro, by Bob" }],
    conflicts: []
  });
});

test("a conflict keeps the member's base and text and names the teammate's text, which is not put in the editor", () => {
  const merged = merge(
    base(["Intro", 2]),
    ["My intro"],
    ["My intro"],
    { texts: ["Carol's intro"], revisions: [3], authors: ["carol"], conflicts: [0] }
  );
  assert.deepEqual(asSent(merged), {
    base: base(["Intro", 2]),
    updates: [],
    conflicts: [{ index: 0, text: "Carol's intro", revision: 3, author: "carol" }]
  });
  // Keeping mine is a save on the teammate's revision: the member's text is sent again and can be written.
  assert.deepEqual(asSent(request(base(["Carol's intro", 3]), ["My intro"])), { answers: ["My intro"], revisions: [3] });
});

test("a prompt typed in while the save was on its way keeps its text and base, so the next save is checked", () => {
  const merged = merge(
    base(["Intro", 2]),
    [null],
    ["Intro, half typed"],
    { texts: ["Intro, by Bob"], revisions: [3], authors: ["bob"], conflicts: [] }
  );
  assert.deepEqual(asSent(merged), { base: base(["Intro", 2]), updates: [], conflicts: [] });
});

test("a prompt the member wrote and typed on in since keeps the editor as it is, on the new base", () => {
  const merged = merge(
    base(["", 0]),
    ["Draft one"],
    ["Draft one, and more"],
    { texts: ["Draft one"], revisions: [1], authors: ["alice"], conflicts: [] }
  );
  assert.deepEqual(asSent(merged), { base: base(["Draft one", 1]), updates: [], conflicts: [] });
});

/* One prompt of a team's form as learner.html draws it, its editor (a stand-in of OraXBlock.editor's) holding
 * ``text``; ``posts`` gathers what the page posts, each answered with the next of ``answers``. */
function teamForm(text, revision, answers, tidy = (value) => value) {
  const { h } = require("./dom");
  const textarea = h("textarea", { class: "ora-answer", "data-ora-revision": String(revision), "data-rich": "false" });
  const conflict = h("div", { class: "ora-team-conflict" },
    h("p", { class: "ora-team-conflict-notice", "data-ora-template": "{username} changed this answer." }),
    h("div", { class: "ora-team-theirs" }),
    h("button", { class: "ora-team-use-theirs" }), h("button", { class: "ora-team-keep-mine" }));
  const author = h("p", { class: "ora-team-author", "data-ora-changed-by": "Last changed by {username}", "data-ora-unchanged": "Nobody yet." });
  const form = h("form", {}, h("div", { class: "ora-prompt" }, textarea, author, conflict));
  let value = text;
  const editor = { getValue: () => value, setValue: (next) => { value = tidy(next); } };
  const posts = [];
  const post = (name, body) => {
    posts.push([name, asSent(body)]);
    return Promise.resolve({ ok: true, body: answers.shift() });
  };
  return { form, editor, posts, post, conflict, author, type: (next) => { value = next; } };
}

test("on a conflict the teammate's text is shown beside the member's, and keeping mine saves on the new base", async () => {
  const page = teamForm("Intro", 2, [
    { texts: ["Carol's intro"], revisions: [3], authors: ["carol"], conflicts: [0] },
    { texts: ["My intro"], revisions: [4], authors: ["alice"], conflicts: [] }
  ]);
  const team = OraXBlock.team.attach(page.form, [page.editor], page.post, (html) => html);
  page.type("My intro");
  const result = await team.save();
  assert.equal(result.conflicts, 1);
  assert.equal(page.conflict.hidden, false);
  assert.equal(page.conflict.querySelector(".ora-team-theirs").textContent, "Carol's intro");
  assert.equal(page.conflict.querySelector(".ora-team-conflict-notice").textContent, "carol changed this answer.");
  assert.equal(page.editor.getValue(), "My intro");  // nothing of the member's is lost

  page.conflict.querySelector(".ora-team-keep-mine").click();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(page.posts.map(([, body]) => body), [
    { answers: ["My intro"], revisions: [2] },
    { answers: ["My intro"], revisions: [3] }
  ]);
  assert.equal(page.conflict.hidden, true);
  assert.equal(page.author.textContent, "Last changed by alice");
  assert.deepEqual(asSent(team.submitBody()), { answers: [null], revisions: [4] });
});

test("using their text puts it in the editor on their revision, with nothing left to save", async () => {
  const page = teamForm("Intro", 2, [{ texts: ["Carol's intro"], revisions: [3], authors: ["carol"], conflicts: [0] }]);
  const team = OraXBlock.team.attach(page.form, [page.editor], page.post, (html) => html);
  page.type("My intro");
  await team.save();
  page.conflict.querySelector(".ora-team-use-theirs").click();
  assert.equal(page.editor.getValue(), "Carol's intro");
  assert.equal(page.conflict.hidden, true);
  assert.deepEqual(asSent(team.submitBody()), { answers: [null], revisions: [3] });
});

test("a text a rich editor tidies as it takes it does not count as the member's change", async () => {
  const page = teamForm("<p>Intro</p>", 2, [{ texts: ["Bob's intro"], revisions: [3], authors: ["bob"], conflicts: [] }],
    (html) => (html.startsWith("<p>") ? html : `<p>${html}</p>`));
  const team = OraXBlock.team.attach(page.form, [page.editor], page.post, (html) => html);
  await team.save();  // nothing changed here: the teammate's newer text comes in
  assert.equal(page.editor.getValue(), "<p>Bob's intro</p>");
  assert.deepEqual(asSent(team.submitBody()), { answers: [null], revisions: [3] });
});

test("a teammate's save read from the page goes into a prompt the member left alone; a prompt typed in keeps its text and base", () => {
  const page = teamForm("Intro", 2, []);
  const team = OraXBlock.team.attach(page.form, [page.editor], page.post, (html) => html);
  assert.deepEqual(asSent(team.refresh({ texts: ["Bob's intro"], revisions: [3], authors: ["bob"] })), [{ index: 0, author: "bob" }]);
  assert.equal(page.editor.getValue(), "Bob's intro");
  assert.equal(page.author.textContent, "Last changed by bob");
  assert.deepEqual(asSent(team.submitBody()), { answers: [null], revisions: [3] });
  assert.deepEqual(asSent(team.unsaved()), []);

  page.type("My intro");
  assert.deepEqual(asSent(team.refresh({ texts: ["Carol's intro"], revisions: [4], authors: ["carol"] })), []);
  assert.equal(page.editor.getValue(), "My intro");  // nothing the member typed is replaced
  assert.equal(page.author.textContent, "Last changed by bob");
  assert.deepEqual(asSent(team.submitBody()), { answers: ["My intro"], revisions: [3] });  // the save will be checked
  assert.deepEqual(asSent(team.unsaved()), [{ index: 0, text: "My intro" }]);
});

test("the member's own change is named 'you' to them", async () => {
  const page = teamForm("Intro", 2, [{ texts: ["My intro"], revisions: [3], authors: ["alice"], conflicts: [] }]);
  page.form.setAttribute("data-ora-me", "alice");
  page.author.setAttribute("data-ora-changed-by-me", "Last changed by you");
  const team = OraXBlock.team.attach(page.form, [page.editor], page.post, (html) => html);
  page.type("My intro");
  await team.save();
  assert.equal(page.author.textContent, "Last changed by you");
  assert.equal(page.author.getAttribute("data-ora-author"), "alice");
});
