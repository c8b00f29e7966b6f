/*
 * Passkeys, for browsers that can use them. Every page works without this script: it only adds
 * what needs it. Where the browser has no WebAuthn (or this script does not run) nothing about
 * passkeys is offered, and the pages' own text says what to do instead.
 *
 * What the server renders (see views/components/passkey-ceremony/button.ejs):
 * - [data-passkey-options]: an empty, hidden box that becomes a button. It asks the options at
 *   that URL (POST, CSRF token in X-CSRF-Token, JSON back), lets the browser sign the challenge,
 *   and posts the answer as the field "credential": in the form around the box, or in a form of
 *   its own to [data-passkey-action] (with the CSRF token of the page's other forms).
 * - [data-passkey-href]: a hidden box that becomes a link.
 * - form[data-passkey-register]: adding a passkey. On submit it asks the options for the name
 *   typed, lets the browser make the passkey and submits the form with it.
 * - [data-passkey-autofill] on such a box: the site's passkeys are also offered among the
 *   suggestions of the field whose autocomplete ends in "webauthn" (the e-mail address at sign-in),
 *   where the browser can; one picked there goes where the button's answer goes.
 * - script[data-passkey-form]: the form for adding a passkey, put in the page in its place.
 * - [data-passkey-only] is shown, [data-passkey-fallback] hidden.
 * Uses @simplewebauthn/browser (window.SimpleWebAuthnBrowser), served from the installed package.
 */
(function () {
  'use strict';
  var webauthn = window.SimpleWebAuthnBrowser;
  if (!webauthn || !webauthn.browserSupportsWebAuthn() || !window.fetch) return;

  function each(selector, action) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), action);
  }

  // Server-rendered markup (its values escaped), kept where text browsers do not show it.
  each('script[data-passkey-form]', function (kept) {
    kept.insertAdjacentHTML('afterend', kept.textContent);
    kept.parentNode.removeChild(kept);
  });

  /**
   * POSTs to `url`; resolves with the JSON options, rejects with the server's message if any. A
   * redirect is not followed: the server sends the page elsewhere (the session or the fresh
   * confirmation ran out), which the page itself then asks again (error `moved`).
   */
  function askOptions(url, token, body) {
    var headers = { 'X-CSRF-Token': token, Accept: 'application/json' };
    if (body) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return fetch(url, { method: 'POST', credentials: 'same-origin', redirect: 'manual', headers: headers, body: body }).then(function (res) {
      if (res.type === 'opaqueredirect') throw Object.assign(new Error('sent elsewhere'), { moved: true });
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw Object.assign(new Error('options refused'), { status: res.status, message: data.message });
        return data;
      });
    });
  }

  /** Shows a message in `place` (once), read out by screen readers. */
  function say(place, text) {
    var message = place.querySelector('.passkey-message');
    if (!message) {
      message = document.createElement('p');
      message.className = 'passkey-message warning';
      message.setAttribute('role', 'alert');
      place.appendChild(message);
    }
    message.textContent = text;
  }

  function submitWith(form, credential) {
    form.elements.credential.value = JSON.stringify(credential);
    form.submit();
  }

  /** A form of its own for a box outside any form: the CSRF token and the answer. */
  function formFor(box) {
    var form = document.createElement('form');
    form.method = 'post';
    form.action = box.getAttribute('data-passkey-action');
    form.hidden = true;
    [['_csrf', document.querySelector('input[name=_csrf]').value], ['credential', '']].forEach(function (field) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = field[0];
      input.value = field[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    return form;
  }

  each('[data-passkey-fallback]', function (el) { el.hidden = true; });
  each('[data-passkey-only]', function (el) { el.hidden = false; });

  each('[data-passkey-href]', function (box) {
    var link = document.createElement('a');
    link.className = 'button button-secondary';
    link.href = box.getAttribute('data-passkey-href');
    link.textContent = box.getAttribute('data-passkey-label');
    box.appendChild(link);
    box.hidden = false;
  });

  /** How long before its challenge ends an offer in the suggestions is renewed. */
  var RENEW_BEFORE_MS = 15000;

  /**
   * Offers the passkeys in the field's suggestions. When that ends without one (nothing picked,
   * the browser cannot, the page left) nothing is said: the patient did not ask, and the button
   * and the password are still there. Once the button was pressed this one does not start: the
   * browser runs one ceremony at a time, and a later one would cancel the button's.
   * The server takes an answer to its challenge for options.timeout only, and a sign-in page may
   * stay open for long: shortly before that the offer is renewed with a new challenge. A tab
   * behind others renews when it is seen again, and so does a page whose timer came late because
   * the computer slept.
   */
  function offerInAutofill(box, form, buttonPressed) {
    webauthn.browserSupportsWebAuthnAutofill()
      .then(function (supported) {
        if (!supported || buttonPressed()) return;
        return askOptions(box.getAttribute('data-passkey-options'), form.elements._csrf.value).then(function (options) {
          if (buttonPressed()) return;
          var renewAt = Date.now() + Math.max((options.timeout || 0) - RENEW_BEFORE_MS, RENEW_BEFORE_MS);
          var timer;
          var stop = function () {
            clearTimeout(timer);
            document.removeEventListener('visibilitychange', renewWhenDue);
          };
          function renewWhenDue() {
            clearTimeout(timer);
            if (document.hidden) return;
            if (Date.now() < renewAt) {
              timer = setTimeout(renewWhenDue, renewAt - Date.now());
              return;
            }
            stop();
            offerInAutofill(box, form, buttonPressed);
          }
          document.addEventListener('visibilitychange', renewWhenDue);
          renewWhenDue();
          return webauthn.startAuthentication({ optionsJSON: options, useBrowserAutofill: true }).then(function (credential) {
            stop();
            submitWith(form, credential);
          }, function (err) {
            stop(); // ended: cancelled by the button or a renewal, or refused by the browser
            throw err;
          });
        });
      })
      .catch(function () {});
  }

  each('[data-passkey-options]', function (box) {
    var form = box.closest('form') || formFor(box);
    var pressed = false;
    var offer = box.hasAttribute('data-passkey-autofill') ? function () { offerInAutofill(box, form, function () { return pressed; }); } : function () {};
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button-secondary';
    button.textContent = box.getAttribute('data-passkey-label');
    button.addEventListener('click', function () {
      pressed = true;
      button.disabled = true;
      askOptions(box.getAttribute('data-passkey-options'), form.elements._csrf.value)
        .then(function (options) { return webauthn.startAuthentication({ optionsJSON: options }); })
        .then(function (credential) { submitWith(form, credential); })
        .catch(function (err) {
          // The page is no longer what the session allows: loading it again leads where the server says.
          if (err && err.moved) return window.location.reload();
          button.disabled = false;
          say(box, (err && err.status && err.message) || box.getAttribute('data-passkey-error'));
          // Cancelled, or no passkey chosen: the suggestions offer them again.
          pressed = false;
          offer();
        });
    });
    box.appendChild(button);
    box.hidden = false;
    offer();
  });

  each('form[data-passkey-register]', function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      var body = new URLSearchParams({ name: form.elements.namedItem('name').value }).toString();
      askOptions(form.getAttribute('data-passkey-register'), form.elements._csrf.value, body)
        .then(function (options) {
          return webauthn.startRegistration({ optionsJSON: options }).then(function (credential) { submitWith(form, credential); });
        }, function (err) {
          // A name the server refuses, or a confirmation that ran out: the form goes as it is, and
          // comes back with the message at the field, or by way of the confirmation with the name kept.
          if (err && (err.status === 400 || err.moved)) return form.submit();
          throw err;
        })
        .catch(function (err) {
          button.disabled = false;
          say(form, (err && err.status && err.message) || form.getAttribute('data-passkey-error'));
        });
    });
  });
})();
