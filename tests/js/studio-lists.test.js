// OraXBlock.studioLists: the Studio editor's reordering (move up and down, drag a step by its handle) and the
// names it gives items after their labels.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { document, h } = require("./dom");
const { load } = require("./load");

const { OraXBlock } = load("studio-form.js", "studio-lists.js");

function step(name, draggable = "true") {
  return h("li", { class: "ora-item ora-step-item", "data-item": "step", "data-step": name },
    h("div", { class: "ora-step-head" },
      h("span", { class: "ora-drag-handle", draggable }),
      h("button", { class: "ora-move-up" }), h("button", { class: "ora-move-down" })),
    h("div", { class: "ora-step-body" }, h("input", { type: "number", "data-key": "must_grade" })));
}

/* A form with the steps ``names``, and the lists module working on it; ``said`` gathers the announcements and
 * ``changes`` counts the edits reported. */
function editorWith(...names) {
  const list = h("ol", { class: "ora-list ora-steps", "data-list": "steps" }, ...names.map((name) => step(name)));
  const form = h("form", { class: "ora-studio-form" }, list);
  const editor = { said: [], changes: 0, form: () => form, gettext: (text) => text };
  editor.announce = (message) => editor.said.push(message);
  editor.changed = () => { editor.changes += 1; };
  return { editor, list, lists: OraXBlock.studioLists(editor) };
}

const order = (list) => list.children.map((item) => item.dataset.step);
const button = (list, name, kind) => list.querySelector(`[data-step=${name}]`).querySelector(`.ora-move-${kind}`);

test("moving a step up or down swaps it with its neighbour, keeps the focus on the button and says where it is", () => {
  const { editor, list, lists } = editorWith("training", "peer", "self", "staff");
  lists.move(button(list, "self", "up"), -1);
  assert.deepEqual(order(list), ["training", "self", "peer", "staff"]);
  assert.equal(document.activeElement, button(list, "self", "up"));
  lists.move(button(list, "training", "down"), 1);
  assert.deepEqual(order(list), ["self", "training", "peer", "staff"]);
  assert.deepEqual(editor.said, ["Moved to position 2 of 4.", "Moved to position 2 of 4."]);
  assert.equal(editor.changes, 2);
});

test("the first step cannot go up nor the last down: nothing changes and the author is told", () => {
  const { editor, list, lists } = editorWith("peer", "self");
  lists.move(button(list, "peer", "up"), -1);
  lists.move(button(list, "self", "down"), 1);
  assert.deepEqual(order(list), ["peer", "self"]);
  assert.deepEqual(editor.said, ["Already first.", "Already last."]);
  assert.equal(editor.changes, 0);
});

/* Drag ``name`` by its handle over the step ``over``, at ``y`` in a box from 100 to 140; then drop. */
function drag(lists, list, name, over, y) {
  const sent = {};
  const item = list.querySelector(`[data-step=${name}]`);
  lists.startDrag({ target: item.querySelector(".ora-drag-handle"), dataTransfer: { setData: (type, value) => { sent[type] = value; } } });
  const target = list.querySelector(`[data-step=${over}]`);
  target.box = { top: 100, height: 40 };
  let prevented = false;
  lists.dragOver({ target: target.querySelector("input"), clientY: y, preventDefault: () => { prevented = true; } });
  lists.endDrag();
  return { sent, prevented };
}

test("a step dragged over another goes before it in its top half and after it in its bottom half", () => {
  const { editor, list, lists } = editorWith("training", "peer", "self");
  const { sent, prevented } = drag(lists, list, "self", "training", 110);
  assert.deepEqual(order(list), ["self", "training", "peer"]);
  assert.equal(sent["text/plain"], "self");
  assert.ok(prevented); // the browser is told the drop is allowed here
  drag(lists, list, "self", "peer", 130);
  assert.deepEqual(order(list), ["training", "peer", "self"]);
  assert.deepEqual(editor.said, ["Step order changed.", "Step order changed."]);
  assert.equal(editor.changes, 2);
});

test("a step whose handle is not draggable (the problem is released) does not move, and no change is reported", () => {
  const { editor, list, lists } = editorWith("peer", "self");
  list.querySelector("[data-step=self]").querySelector(".ora-drag-handle").setAttribute("draggable", "false");
  drag(lists, list, "self", "peer", 105);
  assert.deepEqual(order(list), ["peer", "self"]);
  assert.deepEqual(editor.said, []);
  assert.equal(editor.changes, 0);
});

test("a new item is named after its label until the author types a name, and never takes a sibling's name", () => {
  const criterion = (name, auto) => h("li", { "data-item": "criterion" },
    h("input", { "data-key": "label" }), h("input", { "data-key": "name", value: name, "data-auto": auto }));
  const list = h("ol", { "data-list": "criteria" }, criterion("clarity-of-ideas"), criterion("criterion-2", "true"));
  const { lists } = editorWith();
  const [label, name] = list.children[1].children;
  label.value = "Clarity of ideas!";
  lists.labelTyped(label);
  assert.equal(name.value, "clarity-of-ideas-2");
  label.value = "???";
  lists.labelTyped(label);
  assert.equal(name.value, "criterion"); // nothing nameable in the label: the kind of item
  name.value = "mine";
  lists.labelTyped(name);
  label.value = "Style";
  lists.labelTyped(label);
  assert.equal(name.value, "mine");
});
