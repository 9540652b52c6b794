// Breathgate: a warning before the idle sign-out, with a button to stay signed in (WCAG 2.2.1), and notes kept while
// they are typed. Served from the site itself (Content-Security-Policy script-src 'self'); every page works without it.
(function () {
  'use strict';
  var body = document.body;
  var total = Number(body.getAttribute('data-session-seconds'));
  var lead = Number(body.getAttribute('data-session-warn-seconds'));
  var box = document.getElementById('session-warning');
  if (!total || !box) {
    return;
  }
  var stay = document.getElementById('session-stay');
  var signIn = document.getElementById('session-sign-in');
  var text = document.getElementById('session-warning-text');
  var warnTimer;
  var endTimer;
  var before = null;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(warn, Math.max(0, total - lead) * 1000);
    endTimer = setTimeout(ended, total * 1000);
  }

  function warn() {
    before = document.activeElement;
    box.hidden = false;
    stay.focus();
  }

  function ended() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    text.textContent = text.getAttribute('data-ended');
    stay.hidden = true;
    signIn.hidden = false;
    box.hidden = false;
    signIn.focus();
  }

  // Any request of the session restarts its idle time on the server; this one answers 401 once it has ended.
  stay.addEventListener('click', function () {
    fetch('/api/v1/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (answer) {
      if (!answer.ok) {
        ended();
        return;
      }
      box.hidden = true;
      schedule();
      if (before && before.focus) {
        before.focus();
      }
    }, ended);
  });

  // Each note is kept in this tab (sessionStorage) under its page and its form's fields (which alert, which event)
  // while it is typed, and put back when that form is shown again: after signing in again, nothing typed is lost.
  function draftKey(area) {
    var fields = [];
    if (area.form) {
      Array.prototype.forEach.call(area.form.querySelectorAll('input[type=hidden]'), function (input) {
        if (input.name !== '_csrf') {
          fields.push(input.name + '=' + input.value);
        }
      });
    }
    return 'breathgate.draft:' + location.pathname + '?' + fields.join('&') + '#' + area.name;
  }

  Array.prototype.forEach.call(document.querySelectorAll('textarea'), function (area) {
    var key = draftKey(area);
    if (area.hasAttribute('data-draft-sent')) {
      sessionStorage.removeItem(key); // the page says it was sent (e.g. the parent's feedback): nothing to put back
    }
    var kept = sessionStorage.getItem(key);
    if (kept && !area.value) {
      area.value = kept;
    }
    area.addEventListener('input', function () {
      if (area.value) {
        sessionStorage.setItem(key, area.value);
      } else {
        sessionStorage.removeItem(key);
      }
    });
  });

  schedule();
})();
