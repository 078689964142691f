// The status lookup: reads a claim with its status token through the public API. The token names
// its one claim (`claim_id`), which is read directly; the reference typed beside it must match.
(function () {
  'use strict';

  var oc = window.OutageClaims;
  var t = oc.t;
  var form = document.getElementById('status-form');
  var message = document.getElementById('status-message');
  var details = document.getElementById('status-details');
  var busy = false;

  function say(text, isError) {
    details.hidden = true;
    message.textContent = text;
    message.classList.toggle('is-error', !!isError);
    message.hidden = !text;
  }

  function showRows(selector, visible) {
    details.querySelectorAll(selector).forEach(function (el) { el.hidden = !visible; });
  }

  function show(claim) {
    say('');
    document.getElementById('status-reference').textContent = claim.reference;
    var status = document.getElementById('status-value');
    status.textContent = oc.statusText(claim.status);
    status.setAttribute('data-status', claim.status);
    var reason = oc.reasonText(claim.status_reason);
    document.getElementById('status-reason').textContent = reason;
    showRows('.reason-row', !!reason);
    document.getElementById('status-claimed').textContent = oc.formatAmount(claim.claimed_amount, claim.currency);
    // `paid_amount` arrives with payouts; until then it is absent or null and the row stays hidden.
    var paid = claim.paid_amount;
    var isPaid = paid !== undefined && paid !== null;
    document.getElementById('status-paid').textContent = isPaid ? oc.formatAmount(paid, claim.currency) : '';
    showRows('.paid-row', isPaid);
    details.hidden = false;
    document.getElementById('status-result-title').focus();
  }

  // The claim a status token is scoped to, read from its payload (not verified here: the server
  // does that); null for anything that is not a status token.
  function claimOf(token) {
    try {
      var payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      var id = JSON.parse(window.atob(payload)).claim_id;
      return typeof id === 'string' && /^[0-9a-fA-F-]{36}$/.test(id) ? id : null;
    } catch (e) {
      return null;
    }
  }

  function lookup(reference, token) {
    if (busy) return;
    var claimId = claimOf(token);
    if (!claimId) {
      say(t('lookup_bad_token'), true);
      return;
    }
    busy = true;
    say(t('lookup_loading'));
    var url = '/api/v1/claims/' + encodeURIComponent(claimId);
    var request;
    try {
      request = fetch(url, { headers: { Accept: 'application/json', Authorization: 'Bearer ' + token } });
    } catch (e) {
      // A header value the browser refuses (a pasted token with odd characters) is a bad token.
      request = Promise.resolve({ status: 401, json: function () { return Promise.resolve({}); } });
    }
    request
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status === 200) {
            if (String(body.reference).toUpperCase() === reference.toUpperCase()) show(body); else say(t('lookup_not_found'), true);
          } else if (response.status === 401 || response.status === 403) {
            say(t('lookup_bad_token'), true);
          } else if (response.status === 404 || response.status === 422) {
            say(t('lookup_not_found'), true);
          } else {
            say(t('server'), true);
          }
        });
      })
      .catch(function () { say(t('network'), true); })
      .then(function () { busy = false; });
  }

  function onSubmit(event) {
    event.preventDefault();
    var reference = form.elements.reference.value.trim();
    var token = form.elements.token.value.trim();
    var errors = [];
    if (!reference) errors.push({ field: 'reference', message: oc.errorText('reference', 'required') });
    if (!token) errors.push({ field: 'token', message: oc.errorText('token', 'required') });
    if (errors.length) {
      oc.showErrors(form, errors);
      say('');
      return;
    }
    oc.clearErrors(form);
    lookup(reference, token);
  }

  form.addEventListener('submit', onSubmit);
  var params = new URLSearchParams(window.location.search);
  form.elements.reference.value = params.get('reference') || '';
  // The token comes in the fragment (`/status?reference=...#token=...`), never the query. A
  // link that differs only in its fragment does not reload the page, so it is read again on
  // every change.
  function fromFragment() {
    var fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    form.elements.token.value = fragment.get('token') || '';
    if (form.elements.reference.value && form.elements.token.value) {
      lookup(form.elements.reference.value.trim(), form.elements.token.value.trim());
    }
  }

  window.addEventListener('hashchange', fromFragment);
  fromFragment();
})();
