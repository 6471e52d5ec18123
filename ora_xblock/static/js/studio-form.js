/* OraXBlock.studioForm: the author's form read back as the editor's JSON (definition.codec), the save payload.
 * Each control says where its value goes: data-key names a value (converted by its data-type), data-object a
 * nested object, data-list and data-item a list and its items. Reading also maps each editor path
 * ("rubric/criteria[2]/name") to the element that holds it, where the validator's verdicts are shown. */
(function (OraXBlock) {
  "use strict";

  /* The items of ``list``, its own only (not a nested list's). */
  function items(list) { return Array.prototype.slice.call(list.querySelectorAll(":scope > [data-item]")); }

  /* The nodes matching ``selector`` inside ``item`` that belong to it, not to an item nested in it. */
  function own(item, selector) {
    return Array.prototype.filter.call(item.querySelectorAll(selector), function (node) {
      return node.closest("[data-item]") === item;
    });
  }

  /* A control's value as the editor's JSON has it; ``form`` is the whole form. A date left as it was shown
   * goes back as stored; the overall feedback prompt counts only if feedback is asked for. */
  function valueOf(input, form) {
    var text = input.value;
    switch (input.dataset.type) {
      case "bool": return input.checked;
      case "int": return /^\s*-?\d+\s*$/.test(text) ? parseInt(text, 10) : text;
      case "date":
        if (input.dataset.utc && text === input.dataset.shown) { return input.dataset.utc; }  // untouched: as stored
        return text ? OraXBlock.when.toUtc(text) : null;
      case "list": return text.split(",").map(function (part) { return part.trim(); }).filter(Boolean);
      case "optional": return text === "" ? null : text;
      case "asked": return form.querySelector(".ora-ask-feedback").checked ? text : null;
      default: return text;
    }
  }

  /* ``form`` as {definition, fields}: the editor's JSON, and the element holding each of its paths. A step whose
   * box is unticked is left out; list items are numbered from 1 in the paths, as the validator numbers them. */
  function read(form) {
    var fields = {};

    function walk(node, target, path) {
      Array.prototype.forEach.call(node.children, function (child) {
        var data = child.dataset;
        if (child.tagName === "TEMPLATE" || child.classList.contains("ora-templates")) { return; }
        if (data.key !== undefined && child.matches("input, select, textarea")) {
          target[data.key] = valueOf(child, form);
          fields[path + data.key] = child;
        } else if (data.object) {
          target[data.object] = {};
          fields[path + data.object] = child;
          walk(child, target[data.object], path + data.object + "/");
        } else if (data.list) {
          fields[path + data.list] = child;
          target[data.list] = readList(child, path + data.list);
        } else if (data.type === "choice") {
          var picked = child.querySelector("input[type=radio]:checked");
          target[data.key] = picked ? picked.value : null;
          fields[path + data.key] = child;
        } else {
          walk(child, target, path);
        }
      });
    }

    function readList(list, path) {
      var values = [];
      items(list).forEach(function (item) {
        if (item.dataset.step && !item.querySelector(".ora-step-enabled").checked) { return; }
        var here = path + "[" + (values.length + 1) + "]";
        var value = item.dataset.step ? { name: item.dataset.step } : {};
        fields[here] = item;
        walk(item, value, here + "/");
        if (item.dataset.item === "example") { readExample(item, value, here); }
        values.push(value);
      });
      return values;
    }

    function readExample(item, value, path) {
      var parts = own(item, "[data-part]").map(function (area) { return area.value; });
      while (parts.length > 1 && parts[parts.length - 1] === "") { parts.pop(); }
      value.answer = parts;
      value.options_selected = {};
      own(item, "select[data-criterion]").forEach(function (select) {
        if (select.value) { value.options_selected[select.dataset.criterion] = select.value; }
      });
      fields[path + "/answer"] = item.querySelector(".ora-example-answer");
      fields[path + "/options_selected"] = item.querySelector(".ora-example-selections");
    }

    var definition = {};
    walk(form, definition, "");
    return { definition: definition, fields: fields };
  }

  OraXBlock.studioForm = { items: items, own: own, valueOf: valueOf, read: read };
}(window.OraXBlock = window.OraXBlock || {}));
