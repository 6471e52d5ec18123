/* OraXBlock.http: POST JSON to an XBlock handler with Django's CSRF token (resolves to {ok, status, body}), and
 * list refusals.
 *
 * Every script of the package is a plain script (the LMS inlines them next to RequireJS, Studio too), and each
 * registers its module on the one global, window.OraXBlock, reading the modules it needs from there. */
(function (OraXBlock) {
  "use strict";

  function cookie(name) {
    var found = document.cookie.split(/;\s*/).filter(function (pair) { return pair.split("=")[0] === name; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  /* The site's CSRF cookie (its CSRF_COOKIE_NAME, which the block's root names), else the token the page was
   * rendered with (sites that keep it in the session), else Django's default cookie. */
  function csrfToken() {
    var root = document.querySelector("[data-csrf-cookie]");
    var named = root ? cookie(root.getAttribute("data-csrf-cookie")) : "";
    return named || (root && root.getAttribute("data-csrf-token")) || cookie("csrftoken");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, body: data };
      });
    });
  }

  /* ``post`` that never rejects: a server out of reach answers {ok: false, status: 0, body: {}}. */
  function attempt(url, body) {
    return post(url, body).catch(function () { return { ok: false, status: 0, body: {} }; });
  }

  /* List a refused request's errors in ``list``; returns the message to announce. */
  function listErrors(list, result, fallback) {
    var error = (result.body && result.body.error) || {};
    var items = error.errors && error.errors.length ? error.errors : [{ message: error.message || fallback }];
    list.textContent = "";
    items.forEach(function (item) {
      var entry = document.createElement("li");
      entry.textContent = item.message;
      list.appendChild(entry);
    });
    return error.message || items[0].message;
  }

  OraXBlock.http = { post: post, attempt: attempt, csrfToken: csrfToken, listErrors: listErrors };
}(window.OraXBlock = window.OraXBlock || {}));
