/* OraXBlock.live(region): a block's status line (an aria-live region) and the requests whose outcome it tells.
 * The learner's page and the staff area both post to a handler that answers with HTML to show; a refusal is
 * listed where the form shows its errors and announced. */
(function (OraXBlock) {
  "use strict";

  OraXBlock.live = function (region) {
    var gettext = OraI18n.gettext;

    /* Emptied first, so that a message repeated word for word is read out again. */
    function announce(text) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = text; }, 50);
    }

    function showErrors(list, result) {
      announce(OraXBlock.http.listErrors(list, result, gettext("Something went wrong. Try again.")));
    }

    /* Post ``body`` to ``url``. ``options.button`` is disabled meanwhile, so a double click sends once; when
     * ``options.current`` says the answer is no longer wanted (a later request was sent), it is dropped. Else a
     * success goes to ``options.shown(body)`` and a refusal, or a server out of reach, is listed in
     * ``options.list``. Resolves to the result. */
    function send(url, body, options) {
      var button = options.button;
      if (button) { button.disabled = true; }
      return OraXBlock.http.attempt(url, body).then(function (result) {
        if (button) { button.disabled = false; }
        if (options.current && !options.current()) { return result; }
        if (result.ok) {
          options.shown(result.body);
        } else if (options.list) {
          showErrors(options.list, result);
        }
        return result;
      });
    }

    return { announce: announce, showErrors: showErrors, send: send };
  };
}(window.OraXBlock = window.OraXBlock || {}));
