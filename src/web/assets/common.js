// Shared by both pages: messages, error display, announcements and formatting.
// Server data only ever reaches the page through textContent, never as markup.
(function () {
  'use strict';

  var messages = JSON.parse(document.getElementById('messages').textContent);
  var lang = messages.lang === 'en' ? 'en' : 'ko';

  // Text of `key` with `{name}` filled from `vars`; the key itself if there is no such text.
  function t(key, vars) {
    var text = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return vars && vars[name] !== undefined ? String(vars[name]) : whole;
    });
  }

  function has(key) {
    return Object.prototype.hasOwnProperty.call(messages, key);
  }

  // The most specific translation of an error code; the server's words as a last resort.
  function errorText(field, code, fallback) {
    if (has('err.' + field + '.' + code)) return t('err.' + field + '.' + code);
    if (has('err.' + code)) return t('err.' + code);
    return fallback || t('server');
  }

  function announce(text) {
    var live = document.getElementById('form-live');
    if (!live) return;
    // Emptied first so that the same message twice is announced twice.
    live.textContent = '';
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function control(form, field) {
    return document.getElementById(field) || form.querySelector('[name="' + CSS.escape(field) + '"]');
  }

  function labelOf(form, field) {
    var input = control(form, field);
    if (!input) return '';
    var group = input.type === 'radio' ? input.closest('fieldset') : null;
    var label = group ? group.querySelector('legend') : input.labels && input.labels[0];
    if (!label) return field;
    var copy = label.cloneNode(true);
    copy.querySelectorAll('.optional').forEach(function (n) { n.remove(); });
    return copy.textContent.replace(/\s+/g, ' ').trim();
  }

  function clearErrors(form) {
    form.querySelectorAll('.error').forEach(function (el) {
      el.textContent = '';
      el.hidden = true;
    });
    form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    var summary = document.getElementById('error-summary');
    if (summary) {
      summary.hidden = true;
      document.getElementById('error-summary-list').textContent = '';
    }
  }

  // Shows each error beside its field, lists them in the summary, announces how many there are
  // and moves focus to the first field to fix. `errors`: [{field, message}].
  function showErrors(form, errors, general) {
    clearErrors(form);
    var list = document.getElementById('error-summary-list');
    var first = null;
    errors.forEach(function (error) {
      var slot = document.getElementById('error-' + error.field);
      var input = control(form, error.field);
      if (slot) {
        slot.textContent = error.message;
        slot.hidden = false;
      }
      if (input && input.type !== 'hidden') {
        if (input.type === 'radio') {
          form.querySelectorAll('[name="' + CSS.escape(error.field) + '"]').forEach(function (r) {
            r.setAttribute('aria-invalid', 'true');
          });
        } else {
          input.setAttribute('aria-invalid', 'true');
        }
        first = first || input;
      }
      if (list) {
        var item = document.createElement('li');
        var link = document.createElement('a');
        var target = input && input.type !== 'hidden' ? input : null;
        var label = labelOf(form, error.field);
        link.textContent = label ? label + ': ' + error.message : error.message;
        link.href = '#' + (target ? target.id : 'main');
        link.addEventListener('click', function (ev) {
          if (!target) return;
          ev.preventDefault();
          target.focus();
        });
        item.appendChild(link);
        list.appendChild(item);
      }
    });
    var summary = document.getElementById('error-summary');
    if (general && list) {
      var item = document.createElement('li');
      item.textContent = general;
      list.appendChild(item);
    }
    if (summary && (errors.length || general)) summary.hidden = false;
    var found = errors.length === 1 ? t('errors_found_one') : t('errors_found', { n: errors.length });
    announce(errors.length ? found : general || '');
    if (first) {
      first.focus();
    } else if (summary && !summary.hidden) {
      summary.focus();
    }
  }

  // A fresh Idempotency-Key. crypto.randomUUID needs a secure context; getRandomValues works
  // everywhere, so plain-HTTP deployments still get unguessable keys.
  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }

  // '1234567.5' -> '1,234,567.5 USD', grouped by hand so no amount goes through a float.
  function formatAmount(amount, currency) {
    var parts = String(amount).split('.');
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    var text = parts.length > 1 ? whole + '.' + parts[1] : whole;
    if (currency === 'KRW' && lang === 'ko') return text + '원';
    return text + ' ' + currency;
  }

  function formatDate(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return iso;
    return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', {
      dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Seoul'
    }).format(date);
  }

  function statusText(status) {
    return has('status.' + status) ? t('status.' + status) : status;
  }

  // Reasons are codes (`missing_evidence: baseline_revenue, outage_revenue`) or a reviewer's
  // free text, which is shown as written.
  function reasonText(reason) {
    if (!reason) return '';
    var split = reason.split(':');
    var code = split[0].trim();
    if (!has('reason.' + code)) return reason;
    var fields = split.length > 1 ? split.slice(1).join(':').split(',').map(function (f) {
      f = f.trim();
      return has('evidence.' + f) ? t('evidence.' + f) : f;
    }).join(', ') : '';
    return t('reason.' + code, { fields: fields });
  }

  function serviceText(slug) {
    return has('service.' + slug) ? t('service.' + slug) : slug;
  }

  // The language switch keeps the page's own parameters (the status page's reference, and its
  // token, which lives in the fragment so that it never reaches a server log or a Referer).
  function keepParamsOnSwitch() {
    var link = document.getElementById('lang-switch');
    if (!link) return;
    var target = new URL(link.href, window.location.href);
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (key !== 'lang') target.searchParams.set(key, value);
    });
    link.href = target.pathname + target.search + window.location.hash;
  }

  keepParamsOnSwitch();

  window.OutageClaims = {
    lang: lang, t: t, errorText: errorText, announce: announce, clearErrors: clearErrors,
    showErrors: showErrors, newKey: newKey, formatAmount: formatAmount, formatDate: formatDate,
    statusText: statusText, reasonText: reasonText, serviceText: serviceText
  };
})();
