/* The author's OLX editor. Saving posts the OLX; the server validates and lists every error. */
function OraXBlockStudio(runtime, element) {
  "use strict";
  var root = element.jquery ? element[0] : element;
  var gettext = window.gettext || function (text) { return text; };
  var textarea = root.querySelector(".ora-olx");
  var status = root.querySelector(".ora-studio-status");
  var errors = root.querySelector(".ora-studio-errors");
  var saveUrl = runtime.handlerUrl(element, "save_definition");

  function showErrors(list) {
    errors.textContent = "";
    list.forEach(function (error) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = error.code;
      item.appendChild(code);
      item.appendChild(document.createTextNode(error.message));
      errors.appendChild(item);
    });
  }

  function notify(name, data) {
    if (runtime.notify) { runtime.notify(name, data || {}); }
  }

  root.querySelector(".ora-save").addEventListener("click", function () {
    status.textContent = gettext("Saving…");
    showErrors([]);
    notify("save", { state: "start" });
    OraHttp.post(saveUrl, { olx: textarea.value }).then(function (result) {
      if (result.ok) {
        textarea.value = result.body.olx;
        status.textContent = gettext("Saved.");
        notify("save", { state: "end" });
        return;
      }
      var error = result.body.error || {};
      status.textContent = error.message || gettext("The problem was not saved.");
      showErrors(error.errors || []);
      notify("error", { title: gettext("The problem was not saved."), message: error.message || "" });
    }).catch(function () {
      status.textContent = gettext("The problem was not saved: the server could not be reached.");
      notify("error", { title: gettext("The problem was not saved."), message: "" });
    });
  });

  root.querySelector(".ora-cancel").addEventListener("click", function () { notify("cancel"); });
}
