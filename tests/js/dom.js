// A small stand-in for the browser's DOM, enough for the Studio editor's pure parts to run under Node: elements
// with children, attributes, dataset, classList, value/checked, hidden, style and click listeners, and the selectors
// those parts use (a tag, .class, [attr], [attr=value], :checked, :not(...), a comma list, and ":scope > " before one
// of those). Any other selector throws, so that a test never passes on a selector the stand-in misreads.
"use strict";

const camel = (name) => name.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

function compound(text) {
  const parts = text.match(/^[a-z][a-z0-9-]*|\.[\w-]+|\[[^\]]+\]|:checked|:not\([^)]*\)/gi);
  if (!parts || parts.join("") !== text) { throw new Error(`selector not supported by tests/js/dom.js: ${text}`); }
  const tests = parts.map((part) => {
    if (part.startsWith(".")) { return (node) => node.classList.contains(part.slice(1)); }
    if (part === ":checked") { return (node) => Boolean(node.checked); }
    if (part.startsWith(":not(")) { return ((inner) => (node) => !inner(node))(compound(part.slice(5, -1))); }
    if (part.startsWith("[")) {
      const [, name, , value] = /^\[([\w-]+)(?:=("?)(.*)\2)?\]$/.exec(part);
      return (node) => (value === undefined ? node.getAttribute(name) !== null : node.getAttribute(name) === value);
    }
    return (node) => node.tagName === part.toUpperCase();
  });
  return (node) => tests.every((test) => test(node));
}

function compile(selector) {
  return selector.split(",").map((alternative) => {
    const text = alternative.trim();
    const scoped = text.startsWith(":scope > ");
    return { scoped, test: compound(scoped ? text.slice(":scope > ".length) : text) };
  });
}

class ClassList {
  constructor() { this.names = new Set(); }
  contains(name) { return this.names.has(name); }
  add(...names) { names.forEach((name) => this.names.add(name)); }
  remove(...names) { names.forEach((name) => this.names.delete(name)); }
  toggle(name, on = !this.names.has(name)) { if (on) { this.add(name); } else { this.remove(name); } return on; }
}

class Element {
  constructor(tag, attributes = {}, children = []) {
    this.tagName = tag.toUpperCase();
    this.attributes = {};
    this.dataset = {};
    this.classList = new ClassList();
    this.children = [];
    this.parentElement = null;
    this.value = "";
    this.checked = false;
    this.textContent = "";
    this.hidden = false;
    this.style = {};
    this.listeners = {};
    Object.entries(attributes).forEach(([name, value]) => { if (value !== undefined) { this.setAttribute(name, value); } });
    children.forEach((child) => this.appendChild(child));
  }

  getAttribute(name) {
    if (name.startsWith("data-")) { return this.dataset[camel(name.slice(5))] ?? null; }
    if (name === "id" || name === "type") { return this[name] || null; }
    return name in this.attributes ? this.attributes[name] : null;
  }

  setAttribute(name, value) {
    const text = String(value);
    if (name.startsWith("data-")) { this.dataset[camel(name.slice(5))] = text; }
    else if (name === "class") { this.classList.add(...text.split(/\s+/).filter(Boolean)); }
    else if (["id", "type", "value"].includes(name)) { this[name] = text; }
    else if (name === "checked") { this.checked = true; }
    else { this.attributes[name] = text; }
  }

  appendChild(child) { return this.insertBefore(child, null); }

  insertBefore(child, reference) {
    if (child.parentElement) { child.remove(); }
    const index = reference ? this.children.indexOf(reference) : this.children.length;
    if (index < 0) { throw new Error("insertBefore: the reference is not a child"); }
    this.children.splice(index, 0, child);
    child.parentElement = this;
    return child;
  }

  remove() {
    const siblings = this.parentElement.children;
    siblings.splice(siblings.indexOf(this), 1);
    this.parentElement = null;
  }

  get nextSibling() {
    if (!this.parentElement) { return null; }
    const siblings = this.parentElement.children;
    return siblings[siblings.indexOf(this) + 1] || null;
  }

  descendants() { return this.children.flatMap((child) => [child, ...child.descendants()]); }

  matches(selector) { return compile(selector).some(({ scoped, test }) => !scoped && test(this)); }

  querySelectorAll(selector) {
    const alternatives = compile(selector);
    return this.descendants().filter((node) => alternatives.some(({ scoped, test }) =>
      test(node) && (!scoped || node.parentElement === this)));
  }

  querySelector(selector) { return this.querySelectorAll(selector)[0] || null; }

  closest(selector) {
    for (let node = this; node; node = node.parentElement) { if (node.matches(selector)) { return node; } }
    return null;
  }

  focus() { document.activeElement = this; }

  getBoundingClientRect() { return this.box || { top: 0, height: 0 }; }

  addEventListener(type, listener) { (this.listeners[type] = this.listeners[type] || []).push(listener); }

  click() { (this.listeners.click || []).forEach((listener) => listener({ type: "click", target: this })); }
}

/* The page's document: where focus is, and a place for elements to be created. */
const document = {
  activeElement: null,
  documentElement: new Element("html"),
  createElement: (tag) => new Element(tag),
  querySelectorAll: () => [],
};

/* h("input", {"data-key": "name", value: "ideas"}, ...children): an element, as the server renders it. */
const h = (tag, attributes, ...children) => new Element(tag, attributes, children);

module.exports = { Element, document, h };
