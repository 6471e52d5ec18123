/* OraXBlock.studioLists(editor): editing the form's lists (prompts, criteria, options, examples, steps): add,
 * remove, move up and down, drag the steps into order, and name new items after their label.
 * ``editor`` (OraXBlock.studio) gives form(), gettext, announce(message) and changed(), called after each edit. */
(function (OraXBlock) {
  "use strict";

  /* ``text`` as a name: lower case, runs of anything but letters and digits as one hyphen; ``fallback`` if
   * nothing is left. */
  function slug(text, fallback) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || fallback;
  }

  OraXBlock.studioLists = function (editor) {
    var gettext = editor.gettext;
    var items = OraXBlock.studioForm.items;
    var own = OraXBlock.studioForm.own;
    var dragged = null;

    function renumber() {
      editor.form().querySelectorAll("[data-list]").forEach(function (list) {
        items(list).forEach(function (item, index) {
          var number = String(index + 1);
          own(item, "[data-label]").forEach(function (node) {
            if (node.classList.contains("ora-example-answer") || node.classList.contains("ora-example-selections")) { return; }
            var text = node.dataset.label.replace("{number}", number);
            if (node.tagName === "BUTTON") { node.setAttribute("aria-label", text); } else { node.textContent = text; }
          });
        });
      });
    }

    /* ``base``, or ``base-2``, ``base-3``...: the first that no other item of the list is named. */
    function uniqueName(item, base) {
      var taken = items(item.parentElement).filter(function (other) { return other !== item; }).map(function (other) {
        var input = own(other, "[data-key=name]")[0];
        return input ? input.value : "";
      });
      var name = base;
      for (var n = 2; taken.indexOf(name) !== -1; n++) { name = base + "-" + n; }
      return name;
    }

    /* An item's name follows its label until the author types a name of their own. */
    function labelTyped(input) {
      if (input.dataset.key === "name") { delete input.dataset.auto; }
      if (input.dataset.key !== "label") { return; }
      var item = input.closest("[data-item]");
      var name = item && own(item, "[data-key=name]")[0];
      if (name && name.dataset.auto) { name.value = uniqueName(item, slug(input.value, item.dataset.item)); }
    }

    function add(button) {
      var kind = button.dataset.add;
      var list = button.parentElement.querySelector(":scope > [data-list]");
      var item = editor.form().querySelector("template[data-template=" + kind + "]").content.firstElementChild.cloneNode(true);
      list.appendChild(item);
      var name = own(item, "[data-key=name]")[0];
      if (name) {
        name.dataset.auto = "true";
        name.value = uniqueName(item, kind + "-" + items(list).length);
      }
      editor.changed();
      var first = item.querySelector("input:not([type=hidden]), textarea, select");
      if (first) { first.focus(); }
      editor.announce(gettext("Added. Fill in the new fields."));
    }

    function remove(button) {
      var item = button.closest("[data-item]");
      var list = item.parentElement;
      var siblings = items(list);
      var next = siblings[siblings.indexOf(item) + 1] || siblings[siblings.indexOf(item) - 1];
      item.remove();
      editor.changed();
      var focus = next ? own(next, ".ora-remove")[0] : list.parentElement.querySelector(":scope > .ora-add");
      if (focus) { focus.focus(); }
      editor.announce(gettext("Removed."));
    }

    /* Move the item of ``button`` by ``offset`` (-1 up, 1 down) among its siblings; the focus stays on the button. */
    function move(button, offset) {
      var item = button.closest("[data-item]");
      var siblings = items(item.parentElement);
      var position = siblings.indexOf(item) + offset;
      if (position < 0 || position >= siblings.length) {
        editor.announce(offset < 0 ? gettext("Already first.") : gettext("Already last."));
        return;
      }
      item.parentElement.insertBefore(item, offset < 0 ? siblings[position] : siblings[position].nextSibling);
      button.focus();
      editor.changed();
      editor.announce(gettext("Moved to position {position} of {count}.")
        .replace("{position}", position + 1).replace("{count}", siblings.length));
    }

    /* A step is dragged by its handle (draggable only where the order can change). */
    function startDrag(event) {
      var handle = event.target.closest && event.target.closest(".ora-drag-handle");
      var item = handle && handle.closest(".ora-step-item");
      if (!item || handle.getAttribute("draggable") !== "true") { return; }
      dragged = item;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.step);
    }

    /* Over another step, the dragged one moves before it, or after it past its middle. */
    function dragOver(event) {
      var over = event.target.closest && event.target.closest(".ora-step-item");
      if (!dragged || !over || over === dragged) { return; }
      event.preventDefault();
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      over.parentElement.insertBefore(dragged, after ? over.nextSibling : over);
    }

    function endDrag() {
      if (!dragged) { return; }
      dragged = null;
      editor.changed();
      editor.announce(gettext("Step order changed."));
    }

    return {
      renumber: renumber,
      labelTyped: labelTyped,
      add: add,
      remove: remove,
      move: move,
      startDrag: startDrag,
      dragOver: dragOver,
      endDrag: endDrag
    };
  };
  OraXBlock.studioLists.slug = slug;
}(window.OraXBlock = window.OraXBlock || {}));
