// OraXBlock.when's date conversion: Studio shows a stored UTC moment in the author's zone and stores what the
// author typed in UTC.
"use strict";

process.env.TZ = "America/New_York"; // the author's zone, for every Date made from here on

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./load");

const { toLocal, toUtc } = load("when.js").OraXBlock.when;

test("a stored UTC moment is shown as the author's local wall time", () => {
  assert.equal(toLocal("2026-03-01T15:30:00Z"), "2026-03-01T10:30:00"); // EST, UTC-5
  assert.equal(toLocal("2026-07-01T15:30:05Z"), "2026-07-01T11:30:05"); // EDT, UTC-4
});

test("a local time is stored as the UTC moment it names, without milliseconds", () => {
  assert.equal(toUtc("2026-03-01T10:30:00"), "2026-03-01T15:30:00Z");
  assert.equal(toUtc("2026-12-31T23:00"), "2027-01-01T04:00:00Z"); // the input may leave out the seconds
});

test("showing then storing gives back the stored moment, on both sides of a change of clocks", () => {
  for (const stored of ["2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-11-01T04:30:00Z", "2026-11-01T07:30:00Z"]) {
    assert.equal(toUtc(toLocal(stored)), stored);
  }
});

test("in the hour that autumn repeats, a typed time is read as its first occurrence", () => {
  // 05:30Z and 06:30Z both show as 01:30 on 1 November: the form sends an untouched date as stored for this reason.
  assert.equal(toLocal("2026-11-01T06:30:00Z"), "2026-11-01T01:30:00");
  assert.equal(toUtc("2026-11-01T01:30:00"), "2026-11-01T05:30:00Z");
});

test("text that is not a date shows as empty and is sent as typed, for the validator to name", () => {
  assert.equal(toLocal("not a date"), "");
  assert.equal(toUtc("next tuesday"), "next tuesday");
});

test("the learner's waiting dates are not looked for again when a second block loads the script", () => {
  const window = load("when.js");
  const first = window.OraXBlock.when;
  const script = require("node:fs").readFileSync(require.resolve("../../ora_xblock/static/js/when.js"), "utf8");
  require("node:vm").runInContext(script, window);
  assert.equal(window.OraXBlock.when, first);
});
