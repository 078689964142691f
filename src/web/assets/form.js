// The claim form: fills the outage and service choices from the public API, checks what it
// can, sends the claim as JSON and shows the receipt or the server's errors beside the fields.
(function () {
  'use strict';

  var oc = window.OutageClaims;
  var check = oc.validate;
  var t = oc.t;
  var form = document.getElementById('claim-form');
  var incidentSelect = form.elements.incident_id;
  var serviceSelect = form.elements.service;
  var submitButton = document.getElementById('submit');
  var incidents = [];
  var busy = false;
  // The last attempt: resending the same claim reuses its key, so a retry after a lost answer
  // never files it twice; any change makes a new attempt with a new key.
  var attempt = null;

  function option(value, text) {
    var el = document.createElement('option');
    el.value = value;
    el.textContent = text;
    return el;
  }

  function fillSelect(select, placeholder, items) {
    select.textContent = '';
    select.appendChild(option('', placeholder));
    items.forEach(function (item) { select.appendChild(option(item.value, item.text)); });
    if (items.length === 1) select.value = items[0].value;
  }

  function loadIncidents() {
    fetch('/api/v1/incidents?limit=100', { headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (page) {
        incidents = (page.items || []).filter(function (i) { return i.claims_open !== false; });
        var placeholder = incidents.length ? t('choose') : t('no_incidents');
        fillSelect(incidentSelect, placeholder, incidents.map(function (i) {
          return { value: i.id, text: i.title };
        }));
        onIncidentChange();
        loadRequirements();
      })
      .catch(function () {
        fillSelect(incidentSelect, t('incidents_failed'), []);
        oc.announce(t('incidents_failed'));
      });
  }

  function selectedIncident() {
    var id = incidentSelect.value;
    return incidents.filter(function (i) { return i.id === id; })[0] || null;
  }

  function onIncidentChange() {
    var incident = selectedIncident();
    var note = document.getElementById('incident-note');
    var noticeLink = document.getElementById('notice-link');
    noticeLink.hidden = !incident;
    if (!incident) {
      fillSelect(serviceSelect, t('choose_incident_first'), []);
      note.textContent = '';
      return;
    }
    noticeLink.href = '/incidents/' + encodeURIComponent(incident.id) + '/notice' + (oc.lang === 'en' ? '?lang=en' : '');
    fillSelect(serviceSelect, t('choose'), (incident.services || []).map(function (s) {
      return { value: s, text: oc.serviceText(s) };
    }));
    note.textContent = t('claims_close', { date: oc.formatDate(incident.claims_close_at) });
    var currency = incident.currency || 'KRW';
    form.elements.currency.value = currency;
    document.querySelectorAll('.currency-code').forEach(function (el) { el.textContent = currency; });
    var mode = check.minorUnits(currency) ? 'decimal' : 'numeric';
    ['claimed_amount', 'evidence.baseline_revenue', 'evidence.outage_revenue', 'evidence.monthly_fee']
      .forEach(function (name) { form.elements[name].setAttribute('inputmode', mode); });
  }

  // Which evidence the incident's policy pays this service and kind from: those fields say so
  // instead of "(optional)". The claim is filed without them all the same, and waits for them.
  var requirementsAsked = 0;
  function loadRequirements() {
    var incident = selectedIncident();
    var service = serviceSelect.value;
    var kind = form.elements['claimant.kind'].value;
    var asked = ++requirementsAsked;
    markEvidence([]);
    if (!incident || !service || !kind) return;
    var query = new URLSearchParams({ service: service, claimant_kind: kind });
    fetch('/api/v1/incidents/' + encodeURIComponent(incident.id) + '/requirements?' + query, {
      headers: { Accept: 'application/json' }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (needs) {
        // Only the answer to the latest choice counts.
        if (needs && asked === requirementsAsked) markEvidence(needs.required_evidence || []);
      })
      .catch(function () { /* the fields stay marked optional; the server still decides */ });
  }

  function markEvidence(required) {
    ['baseline_revenue', 'outage_revenue', 'monthly_fee'].forEach(function (field) {
      var label = document.querySelector('label[for="evidence.' + field + '"] .optional');
      if (!label) return;
      var needed = required.indexOf(field) >= 0;
      label.textContent = needed ? t('evidence_needed') : t('evidence_optional');
      label.classList.toggle('needed', needed);
      label.setAttribute('data-needed', needed ? 'true' : 'false');
    });
  }

  // Business-only fields are hidden and disabled for individuals, so they are neither checked
  // nor sent.
  function onKindChange() {
    var business = form.elements['claimant.kind'].value === 'business';
    form.querySelectorAll('[data-business-only]').forEach(function (wrapper) {
      wrapper.hidden = !business;
      wrapper.querySelectorAll('input').forEach(function (input) { input.disabled = !business; });
    });
  }

  function value(name) {
    var el = form.elements[name];
    return el && !el.disabled ? String(el.value || '').trim() : '';
  }

  // Reads the form into the API's JSON body, collecting every problem found on the way.
  function collect() {
    var errors = [];
    var fail = function (field, code) { errors.push({ field: field, message: oc.errorText(field, code) }); };
    var required = function (name) {
      var text = value(name);
      if (!text) fail(name, 'required');
      return text;
    };
    var currency = form.elements.currency.value;
    var money = function (name, isRequired) {
      var text = isRequired ? required(name) : value(name);
      if (!text) return undefined;
      var parsed = check.amount(text, currency);
      if (parsed.code) fail(name, parsed.code);
      return parsed.value;
    };
    var kind = form.elements['claimant.kind'].value;
    var body = { incident_id: required('incident_id'), service: required('service'), claimant: { kind: kind } };
    body.claimant.name = required('claimant.name');
    if (/[\u0000-\u001f\u007f-\u009f]/.test(body.claimant.name)) fail('claimant.name', 'invalid_characters');
    if (kind === 'business') {
      var brn = required('claimant.business_registration_number');
      if (brn && check.brn(brn)) fail('claimant.business_registration_number', check.brn(brn));
      body.claimant.business_registration_number = brn;
    }
    body.claimant.email = required('claimant.email');
    if (body.claimant.email && check.email(body.claimant.email)) fail('claimant.email', 'email');
    var phone = value('claimant.phone');
    if (phone) {
      if (check.phone(phone)) fail('claimant.phone', 'invalid_phone');
      body.claimant.phone = phone;
    }
    var times = ['loss_started_at', 'loss_ended_at'].map(function (name) {
      var text = required(name);
      var stamp = text ? check.kst(text) : null;
      if (text && !stamp) fail(name, 'invalid_datetime');
      body[name] = stamp;
      return text;
    });
    // Same-format local times compare as text.
    if (body.loss_started_at && body.loss_ended_at && times[1] <= times[0]) fail('loss_ended_at', 'before_start');
    body.currency = currency;
    body.claimed_amount = money('claimed_amount', true);
    if (body.claimed_amount && check.isZero(body.claimed_amount) && !check.amount(body.claimed_amount, currency).code) {
      fail('claimed_amount', 'out_of_range');
    }
    body.evidence = {};
    ['baseline_revenue', 'outage_revenue', 'monthly_fee'].forEach(function (field) {
      var amount = money('evidence.' + field, false);
      if (amount !== undefined) body.evidence[field] = amount;
    });
    body.payout_account = {
      bank_code: required('payout_account.bank_code'),
      account_number: required('payout_account.account_number'),
      holder: required('payout_account.holder')
    };
    if (body.payout_account.bank_code && check.bankCode(body.payout_account.bank_code)) {
      fail('payout_account.bank_code', 'invalid_bank_code');
    }
    if (body.payout_account.account_number && check.accountNumber(body.payout_account.account_number)) {
      fail('payout_account.account_number', 'invalid_account_number');
    }
    var description = value('description');
    if (description) body.description = description;
    // The two statements of the consent box, both needed to file (the server checks again).
    var privacy = form.elements['consent.privacy'].checked;
    var truthful = form.elements['consent.truthful'].checked;
    if (!privacy) fail('consent.privacy', 'required');
    if (!truthful) fail('consent.truthful', 'required');
    body.consent = { privacy: privacy, truthful: truthful };
    return { body: body, errors: errors };
  }

  function setBusy(on) {
    busy = on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
    submitButton.setAttribute('aria-disabled', on ? 'true' : 'false');
    submitButton.textContent = on ? t('sending') : t('submit');
  }

  function onSubmit(event) {
    event.preventDefault();
    if (busy) return;
    var collected = collect();
    problemSaid('', false);
    if (collected.errors.length) {
      oc.showErrors(form, collected.errors);
      return;
    }
    oc.clearErrors(form);
    var text = JSON.stringify(collected.body);
    if (!attempt || attempt.text !== text) attempt = { text: text, key: oc.newKey() };
    setBusy(true);
    fetch('/api/v1/claims', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, application/problem+json',
        // The claim's notices are written in the language of the form it was filed on.
        'Accept-Language': oc.lang,
        'Idempotency-Key': attempt.key
      },
      body: text
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          setBusy(false);
          if (response.status === 201 || response.status === 200) {
            showReceipt(json);
          } else {
            showProblem(response.status, json, response.headers.get('Retry-After'));
          }
        });
      })
      .catch(function () {
        setBusy(false);
        problemSaid(t('network'), false);
      });
  }

  function showProblem(status, problem, retryAfter) {
    if (status === 422 && Array.isArray(problem.errors) && problem.errors.length) {
      oc.showErrors(form, problem.errors.map(function (e) {
        return { field: e.field, message: oc.errorText(e.field, e.code, e.message) };
      }));
      return;
    }
    oc.clearErrors(form);
    document.getElementById('error-summary').hidden = true;
    // A 500 is the server's own answer (the transaction was rolled back: nothing was filed); a
    // gateway's 502, 503 or 504 leaves it open, and resending with the same key is safe.
    var key = { 409: 'duplicate', 401: 'filing_closed', 403: 'filing_closed', 500: 'not_received' }[status] ||
      (status === 429 ? 'rate_limited' : status >= 500 ? 'maybe_received' : 'server');
    var text = t(key, { seconds: retryAfter || '60' });
    problemSaid(text, key === 'duplicate');
  }

  function problemSaid(text, withStatusLink) {
    var box = document.getElementById('form-problem');
    document.getElementById('form-problem-text').textContent = text;
    document.getElementById('form-problem-link').hidden = !withStatusLink;
    box.hidden = !text;
    if (text) {
      oc.announce(text);
      box.focus();
    }
  }

  function showReceipt(claim) {
    var receipt = document.getElementById('receipt');
    document.getElementById('claim-reference').textContent = claim.reference;
    var status = document.getElementById('claim-status');
    status.textContent = oc.statusText(claim.status);
    status.setAttribute('data-status', claim.status);
    var reason = oc.reasonText(claim.status_reason);
    document.getElementById('claim-status-reason').textContent = reason;
    receipt.querySelectorAll('.reason-row').forEach(function (el) { el.hidden = !reason; });
    var url = new URL('/status', window.location.origin);
    url.searchParams.set('reference', claim.reference);
    if (oc.lang === 'en') url.searchParams.set('lang', 'en');
    // The token goes in the fragment: browsers never send it to a server, so it stays out of
    // access logs and Referer headers (docs/contract.md §1).
    url.hash = new URLSearchParams({ token: claim.status_token || '' }).toString();
    var link = document.getElementById('status-link');
    link.href = url.href;
    link.textContent = url.href;
    form.hidden = true;
    document.getElementById('error-summary').hidden = true;
    problemSaid('', false);
    receipt.hidden = false;
    oc.announce(t('received', { reference: claim.reference }));
    document.getElementById('receipt-title').focus();
  }

  function copyLink() {
    var link = document.getElementById('status-link');
    var result = document.getElementById('copy-result');
    var done = function () { result.textContent = t('copied'); };
    var failed = function () {
      // Selecting the link lets the claimant copy it by hand.
      var range = document.createRange();
      range.selectNodeContents(link);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      result.textContent = t('copy_failed');
    };
    result.textContent = '';
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(link.href).then(done, failed);
    } else {
      failed();
    }
  }

  incidentSelect.addEventListener('change', onIncidentChange);
  incidentSelect.addEventListener('change', loadRequirements);
  serviceSelect.addEventListener('change', loadRequirements);
  form.querySelectorAll('[name="claimant.kind"]').forEach(function (radio) {
    radio.addEventListener('change', onKindChange);
    radio.addEventListener('change', loadRequirements);
  });
  form.addEventListener('submit', onSubmit);
  document.getElementById('copy-link').addEventListener('click', copyLink);
  onKindChange();
  loadIncidents();
})();
