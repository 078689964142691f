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
    document.getElementById('status-actions').hidden = true;
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
    var next = document.getElementById('status-next');
    document.getElementById('status-next-text').textContent = t('next.' + claim.status);
    next.hidden = false;
    details.hidden = false;
    document.getElementById('status-result-title').focus();
    current.claim = claim;
    loadTimeline();
  }

  // The claim shown, with the token that reads it: the actions below act on it.
  var current = { claim: null, token: null };

  function api(method, path, body) {
    var init = { method: method, headers: { Accept: 'application/json', Authorization: 'Bearer ' + current.token } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json };
      });
    });
  }

  function claimPath(action) {
    return '/api/v1/claims/' + encodeURIComponent(current.claim.id) + (action ? '/' + action : '');
  }

  function loadTimeline() {
    api('GET', claimPath('timeline') + '?lang=' + oc.lang)
      .then(function (answer) {
        if (answer.status !== 200 || !Array.isArray(answer.body)) return;
        renderTimeline(answer.body);
        // The record says why in words (and what the reviewer wrote to the claimant); the raw
        // reason is only a fallback for when it cannot be read.
        if (answer.body.length) showRows('.reason-row', false);
        showActions(current.claim, answer.body);
      })
      .catch(function () { /* the status above stays; the record is extra */ });
  }

  function renderTimeline(entries) {
    var list = document.getElementById('timeline');
    list.textContent = '';
    entries.forEach(function (entry) {
      var item = document.createElement('li');
      item.setAttribute('data-kind', entry.kind);
      var time = document.createElement('time');
      time.dateTime = entry.at;
      time.textContent = oc.formatDate(entry.at);
      var text = document.createElement('p');
      text.textContent = entry.message;
      item.appendChild(time);
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  // What the owner may do now, following the same rules as the server (which decides).
  function showActions(claim, entries) {
    var actions = document.getElementById('status-actions');
    var appeal = document.getElementById('appeal-form');
    var account = document.getElementById('account-form');
    var withdraw = document.getElementById('withdraw-form');
    var last = entries.length ? entries[entries.length - 1] : null;
    var open = claim.status === 'rejected' && last && last.kind === 'rejected' && last.deadline &&
      new Date(last.deadline).getTime() > Date.now() && !entries.some(function (e) { return e.kind === 'appealed'; });
    if (claim.status === 'rejected') {
      document.getElementById('status-next-text').textContent = open ? t('next.rejected') : t('next.rejected_final');
    }
    appeal.hidden = !open;
    if (open) document.getElementById('appeal-hint').textContent = t('appeal_until', { date: oc.formatDate(last.deadline) });
    document.getElementById('documents-form').hidden = ['deficient', 'needs_review'].indexOf(claim.status) < 0;
    loadDocuments();
    account.hidden = ['in_batch', 'paid', 'withdrawn', 'closed_no_payout', 'rejected'].indexOf(claim.status) >= 0;
    withdraw.hidden = ['verified', 'needs_review', 'deficient', 'approved'].indexOf(claim.status) < 0;
    actions.hidden = appeal.hidden && account.hidden && withdraw.hidden && document.getElementById('documents-form').hidden;
  }

  function actionSaid(text, isError) {
    var slot = document.getElementById('action-message');
    slot.textContent = text;
    slot.classList.toggle('is-error', !!isError);
    slot.hidden = !text;
  }

  // Sends one action; field errors go beside their fields, a conflict says to reload.
  function act(form, action, body, done) {
    if (form.getAttribute('aria-busy') === 'true') return;
    form.setAttribute('aria-busy', 'true');
    actionSaid('');
    api('POST', claimPath(action), body)
      .then(function (answer) {
        if (answer.status === 200) {
          oc.clearErrors(form);
          form.reset();
          actionSaid(t(done));
          show(answer.body);
        } else if (answer.status === 422 && Array.isArray(answer.body.errors)) {
          oc.showErrors(form, answer.body.errors.map(function (e) {
            return { field: e.field, message: oc.errorText(e.field, e.code, e.message) };
          }));
        } else if (answer.status === 409) {
          actionSaid(t('action_conflict'), true);
        } else if (answer.status === 401 || answer.status === 403 || answer.status === 404) {
          actionSaid(t('lookup_bad_token'), true);
        } else {
          actionSaid(t('server'), true);
        }
      })
      .catch(function () { actionSaid(t('network'), true); })
      .then(function () { form.removeAttribute('aria-busy'); });
  }

  function loadDocuments() {
    api('GET', claimPath('documents')).then(function (answer) {
      var list = document.getElementById('documents-list');
      list.textContent = '';
      var items = answer.status === 200 && Array.isArray(answer.body) ? answer.body : [];
      items.forEach(function (doc) {
        var item = document.createElement('li');
        item.setAttribute('data-status', doc.status);
        item.textContent = doc.filename + ' · ' + t('document.' + doc.status) + (doc.reason ? ' (' + doc.reason + ')' : '');
        list.appendChild(item);
      });
      document.getElementById('documents-sent').hidden = items.length === 0;
      if (items.length) document.getElementById('status-actions').hidden = false;
    }).catch(function () { /* the list is extra */ });
  }

  // Files go as the browser writes a form (multipart), with any evidence amounts and a note.
  document.getElementById('documents-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    if (form.getAttribute('aria-busy') === 'true') return;
    if (!form.elements.file.files.length) {
      oc.showErrors(form, [{ field: 'file', message: oc.errorText('file', 'required') }]);
      return;
    }
    var data = new FormData();
    Array.prototype.forEach.call(form.elements.file.files, function (file) { data.append('file', file, file.name); });
    ['evidence.baseline_revenue', 'evidence.outage_revenue', 'evidence.monthly_fee', 'note'].forEach(function (name) {
      var text = form.elements[name].value.trim();
      if (text) data.append(name, name === 'note' ? text : text.replace(/[,\s]/g, ''));
    });
    form.setAttribute('aria-busy', 'true');
    actionSaid('');
    fetch(claimPath('documents'), {
      method: 'POST',
      headers: { Accept: 'application/json', Authorization: 'Bearer ' + current.token },
      body: data
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status === 200) {
            oc.clearErrors(form);
            form.reset();
            actionSaid(t('documents_sent'));
            show(body);
          } else if (response.status === 413) {
            oc.showErrors(form, [{ field: 'file', message: t('documents_too_large') }]);
          } else if (response.status === 422 && Array.isArray(body.errors)) {
            oc.showErrors(form, body.errors.map(function (e) {
              return { field: e.field, message: oc.errorText(e.field, e.code, e.message) };
            }));
          } else if (response.status === 409) {
            actionSaid(t('action_conflict'), true);
          } else {
            actionSaid(t('server'), true);
          }
        });
      })
      .catch(function () { actionSaid(t('network'), true); })
      .then(function () { form.removeAttribute('aria-busy'); });
  });

  // Required fields are checked here first, for quicker feedback; the server checks again.
  function missing(form, names) {
    var errors = names.filter(function (name) {
      var input = form.elements[name];
      return input.type === 'checkbox' ? !input.checked : !input.value.trim();
    }).map(function (name) { return { field: name, message: oc.errorText(name, 'required') }; });
    if (errors.length) oc.showErrors(form, errors);
    return errors.length > 0;
  }

  document.getElementById('appeal-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    if (missing(form, ['reason'])) return;
    act(form, 'appeal', { reason: form.elements.reason.value.trim() }, 'appeal_sent');
  });

  document.getElementById('account-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    if (missing(form, ['bank_code', 'account_number', 'holder'])) return;
    act(form, 'payout-account', {
      bank_code: form.elements.bank_code.value,
      account_number: form.elements.account_number.value.trim(),
      holder: form.elements.holder.value.trim()
    }, 'account_sent');
  });

  document.getElementById('withdraw-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    if (missing(form, ['confirm'])) return;
    act(form, 'withdraw', {}, 'withdraw_sent');
  });

  // The two public helpers: a new link by email, and the anti-phishing check of a notice.
  function publicPost(path, body, form, onAnswer) {
    var slot = form.querySelector('.message');
    if (form.getAttribute('aria-busy') === 'true') return;
    form.setAttribute('aria-busy', 'true');
    fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body)
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          var isError = false;
          var text;
          if (response.status === 429) {
            text = t('too_many', { seconds: response.headers.get('Retry-After') || '60' });
            isError = true;
          } else if (response.status >= 400) {
            text = t('server');
            isError = true;
          } else {
            var said = onAnswer(json);
            text = said.text;
            isError = said.isError;
          }
          slot.textContent = text;
          slot.classList.toggle('is-error', isError);
          slot.hidden = false;
        });
      })
      .catch(function () {
        slot.textContent = t('network');
        slot.classList.add('is-error');
        slot.hidden = false;
      })
      .then(function () { form.removeAttribute('aria-busy'); });
  }

  function bothGiven(form, names, missingKey) {
    var slot = form.querySelector('.message');
    var ok = names.every(function (name) { return form.elements[name].value.trim(); });
    if (!ok) {
      slot.textContent = t(missingKey);
      slot.classList.add('is-error');
      slot.hidden = false;
      form.elements[names.filter(function (n) { return !form.elements[n].value.trim(); })[0]].focus();
    }
    return ok;
  }

  document.getElementById('link-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    if (!bothGiven(form, ['reference', 'email'], 'link_missing')) return;
    var body = { reference: form.elements.reference.value.trim(), email: form.elements.email.value.trim() };
    publicPost('/api/v1/claims/status-link', body, form, function () { return { text: t('link_sent'), isError: false }; });
  });

  document.getElementById('verify-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    if (!bothGiven(form, ['reference', 'code'], 'verify_missing')) return;
    var body = { reference: form.elements.reference.value.trim(), code: form.elements.code.value.trim() };
    publicPost('/api/v1/notices/verify', body, form, function (answer) {
      return answer.genuine
        ? { text: t('verify_genuine', { date: oc.formatDate(answer.created_at) }), isError: false }
        : { text: t('verify_unknown'), isError: true };
    });
  });

  document.getElementById('print-receipt').addEventListener('click', function () { window.print(); });

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
            current.token = token;
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
