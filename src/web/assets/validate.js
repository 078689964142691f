// Checks that mirror the server's (src/domain/brn.rs, money.rs, claim_input.rs), so a claimant
// hears about a typo at once. The server checks everything again: these only save a round trip.
// Each returns an error code the server would use, or null.
(function () {
  'use strict';

  var BRN_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  var MAX_MAJOR_UNITS = '10000000000000';

  // Ten digits, dashes only as 123-45-67890, and the check digit right.
  function brn(text) {
    text = text.trim();
    var digits = text.replace(/-/g, '');
    var dashesOk = text.indexOf('-') < 0 || (text.length === 12 && text[3] === '-' && text[6] === '-');
    if (!/^[0-9]{10}$/.test(digits) || !dashesOk) return 'invalid_format';
    var d = digits.split('').map(Number);
    var sum = 0;
    for (var i = 0; i < 9; i++) sum += d[i] * BRN_WEIGHTS[i];
    sum += Math.floor((d[8] * 5) / 10);
    return (10 - (sum % 10)) % 10 === d[9] ? null : 'invalid_check_digit';
  }

  function minorUnits(currency) {
    return currency === 'KRW' || currency === 'JPY' ? 0 : 2;
  }

  // Amounts as typed: thousands separators and spaces are dropped, then the rest must be a
  // non-negative decimal with no more decimals than the currency has. Returns {value, code}.
  function amount(text, currency) {
    var value = text.replace(/[,\s]/g, '');
    var match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(value);
    if (!match) return { value: value, code: 'invalid_decimal' };
    if (match[2] !== undefined && match[2].length > minorUnits(currency)) {
      return { value: value, code: 'too_many_decimals' };
    }
    var whole = match[1].replace(/^0+(?=\d)/, '');
    var tooLarge = whole.length > MAX_MAJOR_UNITS.length ||
      (whole.length === MAX_MAJOR_UNITS.length && whole > MAX_MAJOR_UNITS);
    if (tooLarge) return { value: value, code: 'too_large' };
    return { value: value, code: null };
  }

  function isZero(value) {
    return /^[0.]+$/.test(value);
  }

  // Deliberately loose: the server has the final word on addresses.
  function email(text) {
    return /^[^\s@]+@[^\s@]+$/.test(text.trim()) ? null : 'email';
  }

  function phone(text) {
    var value = text.trim();
    var digits = value.replace(/[^0-9]/g, '').length;
    var allowed = /^\+?[0-9 -]*$/.test(value);
    return allowed && digits >= 7 && digits <= 15 ? null : 'invalid_phone';
  }

  function bankCode(text) {
    return /^[0-9]{3}$/.test(text.trim()) ? null : 'invalid_bank_code';
  }

  function accountNumber(text) {
    return /^[0-9]{6,20}$/.test(text.trim().replace(/-/g, '')) ? null : 'invalid_account_number';
  }

  // A datetime-local value read as Korea time: '2022-10-15T15:30' -> '2022-10-15T15:30:00+09:00'.
  function kst(value) {
    var match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?(\.\d+)?$/.exec(value);
    return match ? match[1] + (match[2] || ':00') + '+09:00' : null;
  }

  window.OutageClaims.validate = {
    brn: brn, minorUnits: minorUnits, amount: amount, isZero: isZero, email: email, phone: phone,
    bankCode: bankCode, accountNumber: accountNumber, kst: kst
  };
})();
