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
