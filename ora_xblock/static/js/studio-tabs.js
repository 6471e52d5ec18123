/* OraXBlock.studioTabs(root, gettext): the editor's sections as WAI-ARIA tabs, one panel shown at a time. Hidden
 * panels stay in the form, so that reading it (OraXBlock.studioForm) still finds their values. */
(function (OraXBlock) {
  "use strict";

  OraXBlock.studioTabs = function (root, gettext) {
    var tabs = Array.prototype.slice.call(root.querySelectorAll("[role=tab]"));
    var shown = tabs[0].dataset.section;  // kept when a save renders the form again

    function panels() { return Array.prototype.slice.call(root.querySelectorAll("[role=tabpanel]")); }

    /* The section ``node`` is in, or null. */
    function sectionOf(node) {
      var panel = node && node.closest("[role=tabpanel]");
      return panel ? panel.dataset.section : null;
    }

    function show(key, focusTab) {
      shown = key;
      tabs.forEach(function (tab) {
        var selected = tab.dataset.section === key;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.tabIndex = selected ? 0 : -1;
        if (selected && focusTab) { tab.focus(); }
      });
      panels().forEach(function (panel) { panel.hidden = panel.dataset.section !== key; });
    }

    function tabKey(event) {
      var index = tabs.indexOf(event.target.closest("[role=tab]"));
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (index === -1 || next === undefined) { return; }
      event.preventDefault();
      show(tabs[(next + tabs.length) % tabs.length].dataset.section, true);
    }

    /* Each tab counts the errors and the suggestions shown in its section, in words as well as colour.
     * ``counts`` maps a section to {error, warning}. */
    function count(counts) {
      tabs.forEach(function (tab) {
        var found = counts[tab.dataset.section] || { error: 0, warning: 0 };
        var errors = tab.querySelector(".ora-tab-errors");
        var warnings = tab.querySelector(".ora-tab-warnings");
        errors.textContent = gettext("Errors: {count}").replace("{count}", found.error);
        warnings.textContent = gettext("Suggestions: {count}").replace("{count}", found.warning);
        errors.hidden = !found.error;
        warnings.hidden = !found.warning;
      });
    }

    tabs.forEach(function (tab) {
      tab.addEventListener("click", function () { show(tab.dataset.section, true); });
      tab.addEventListener("keydown", tabKey);
    });

    return {
      show: show,
      shown: function () { return shown; },
      sectionOf: sectionOf,
      count: count
    };
  };
}(window.OraXBlock = window.OraXBlock || {}));
