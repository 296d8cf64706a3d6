// The PAC helpers written in JavaScript, evaluated inside the sandbox before the PAC itself, as browsers do: so a
// PAC that replaces a helper, or the global Date (Chromium's own PAC tests do), is honoured. Written for g2probe
// from the documented semantics (Netscape's PAC format, MDN, Microsoft's IPv6 extensions); where browsers read the
// documents differently, Chromium's reading is followed and each such place says so. The helpers that need the
// network or this PC (dnsResolve, dnsResolveEx, myIpAddress, myIpAddressEx, isInNetEx, sortIpAddressList,
// isPlainHostName, alert) are host functions: src/pc/pac.ts defines them before this runs.

/** The library's source. It only defines globals: it reads no clock and asks no name until a helper is called. */
export const PAC_LIBRARY = String.raw`(function (global) {
  var WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
  var MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  var DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

  // The arguments without a trailing "GMT", and whether it was there.
  function zoned(args) {
    var list = Array.prototype.slice.call(args);
    var gmt = list.length > 0 && list[list.length - 1] == 'GMT';
    if (gmt) list.pop();
    return { list: list, gmt: gmt };
  }

  // Each helper asks the global Date at the call, so a PAC that replaced it is answered by its own.
  function now(gmt) {
    var d = new Date();
    return gmt
      ? { year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate(), weekday: d.getUTCDay(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() }
      : { year: d.getFullYear(), month: d.getMonth(), day: d.getDate(), weekday: d.getDay(), hour: d.getHours(), minute: d.getMinutes(), second: d.getSeconds() };
  }

  // Inclusive; a periodic range whose end comes before its start wraps (FRI to MON, NOV to FEB, 22:00 to 06:00).
  function within(from, value, to, wraps) {
    if (from <= to) return from <= value && value <= to;
    return wraps && (value >= from || value <= to);
  }

  function dnsDomainIs(host, domain) {
    return host.length >= domain.length && host.substring(host.length - domain.length) == domain;
  }

  function dnsDomainLevels(host) {
    return host.split('.').length - 1;
  }

  function isValidIpAddress(text) {
    var m = DOTTED.exec(text);
    return m !== null && m[1] <= 255 && m[2] <= 255 && m[3] <= 255 && m[4] <= 255;
  }

  // A dotted IPv4 address as the signed 32-bit integer PAC files have always compared.
  function convert_addr(text) {
    var b = String(text).split('.');
    return ((b[0] & 255) << 24) | ((b[1] & 255) << 16) | ((b[2] & 255) << 8) | (b[3] & 255);
  }

  // A name is resolved by the global dnsResolve (IPv4 only), so a PAC that replaces it is honoured.
  function isInNet(host, pattern, mask) {
    if (!isValidIpAddress(pattern) || !isValidIpAddress(mask)) return false;
    var address = host;
    if (!isValidIpAddress(address)) {
      address = dnsResolve(address);
      if (address == null) return false;
    }
    var m = convert_addr(mask);
    return (convert_addr(address) & m) == (convert_addr(pattern) & m);
  }

  function isResolvable(host) {
    return dnsResolve(host) != null;
  }

  function isResolvableEx(host) {
    var found = dnsResolveEx(host);
    return found != null && found !== '';
  }

  function localHostOrDomainIs(host, hostdom) {
    return host == hostdom || hostdom.lastIndexOf(host + '.', 0) == 0;
  }

  // Only * and ? are wildcards and a dot is literal; every other character keeps its regular-expression meaning,
  // as in every browser: PAC files in the field rely on it, e.g. "(*.example.com|example.com)".
  function shExpMatch(text, pattern) {
    var source = String(pattern).replace(/[.*?]/g, function (c) { return c === '.' ? '\\.' : c === '*' ? '.*' : '.'; });
    return new RegExp('^' + source + '$').test(text);
  }

  function weekdayRange() {
    var a = zoned(arguments);
    if (a.list.length < 1) return false;
    var from = WEEKDAYS.indexOf(a.list[0]);
    var to = a.list.length === 2 ? WEEKDAYS.indexOf(a.list[1]) : from;
    if (from < 0 || to < 0) return false;
    return within(from, now(a.gmt).weekday, to, true);
  }

  // The documented forms: one day, month or year, or one date written as day and month (24, "DEC": each
  // 24 December) or day, month and year; or two values of the same shape, from the first to the second, ends
  // included. Chromium reads a lone (day, month) or (day, month, year) as a range from January: its own test
  // marks that as a bug to fix (dateRange(2, "MAR") true on 3 March), so g2probe reads them as one date.
  function dateRange() {
    var a = zoned(arguments);
    var parts = [];
    for (var i = 0; i < a.list.length; i++) {
      var n = parseInt(a.list[i], 10);
      if (isNaN(n)) {
        var month = MONTHS.indexOf(a.list[i]);
        if (month < 0) return false;
        parts.push({ kind: 'm', value: month });
      } else {
        parts.push({ kind: n < 32 ? 'd' : 'y', value: n });
      }
    }
    if (parts.length === 0) return false;
    var half = parts.length / 2;
    var shape = parts.map(function (p) { return p.kind; }).join('');
    var ranged = parts.length % 2 === 0 && shape.slice(0, half) === shape.slice(half);
    var from = ranged ? parts.slice(0, half) : parts;
    var to = ranged ? parts.slice(half) : parts;
    var kinds = from.map(function (p) { return p.kind; }).join('');
    if (/(.).*\1/.test(kinds)) return false;
    function key(fields) {
      var f = { y: 0, m: 0, d: 0 };
      for (var j = 0; j < fields.length; j++) f[fields[j].kind] = fields[j].value;
      return f.y * 10000 + f.m * 100 + f.d;
    }
    var today = now(a.gmt);
    var current = key(from.map(function (p) { return { kind: p.kind, value: p.kind === 'y' ? today.year : p.kind === 'm' ? today.month : today.day }; }));
    // With a year in it the range is a stretch of time, never a yearly one: backwards, it holds no day.
    return within(key(from), current, key(to), kinds.indexOf('y') < 0);
  }

  // timeRange(h) is that hour; timeRange(h1, h2) the hours from h1 to h2, both whole, and no wrap past midnight
  // (Chromium and Firefox alike: timeRange(8, 20) holds at 20:30); with minutes, from h1:m1:00 to h2:m2:59; with
  // seconds, to the second. Minutes and seconds wrap past midnight, as in Chromium.
  function timeRange() {
    var a = zoned(arguments);
    var args = a.list;
    if (args.length < 1) return false;
    var t = now(a.gmt);
    if (args.length === 1) return t.hour == args[0];
    if (args.length === 2) return args[0] <= t.hour && t.hour <= args[1];
    var n = args.map(Number);
    var from, to;
    if (args.length === 4) {
      from = n[0] * 3600 + n[1] * 60;
      to = n[2] * 3600 + n[3] * 60 + 59;
    } else if (args.length === 6) {
      from = n[0] * 3600 + n[1] * 60 + n[2];
      to = n[3] * 3600 + n[4] * 60 + n[5];
    } else {
      throw 'timeRange: bad number of arguments';
    }
    return within(from, t.hour * 3600 + t.minute * 60 + t.second, to, true);
  }

  // Microsoft's: the version of the PAC engine, 1.0 on every Windows since Internet Explorer 7.
  function getClientVersion() {
    return '1.0';
  }

  var helpers = {
    dnsDomainIs: dnsDomainIs, dnsDomainLevels: dnsDomainLevels, isValidIpAddress: isValidIpAddress, convert_addr: convert_addr,
    isInNet: isInNet, isResolvable: isResolvable, localHostOrDomainIs: localHostOrDomainIs, shExpMatch: shExpMatch,
    weekdayRange: weekdayRange, dateRange: dateRange, timeRange: timeRange,
  };
  for (var name in helpers) global[name] = helpers[name];
  if (typeof global.dnsResolveEx === 'function') {
    global.isResolvableEx = isResolvableEx;
    global.getClientVersion = getClientVersion;
  }
})(this);
`;
