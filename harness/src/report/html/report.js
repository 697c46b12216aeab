(function () {
  var nav = document.getElementById('filters');
  nav.hidden = false;
  var runs = Array.prototype.slice.call(document.querySelectorAll('details.scenario'));
  var failures = document.getElementById('failures-only');
  var rule = document.getElementById('rule-filter');
  var profile = document.getElementById('profile-filter');
  var flow = document.getElementById('flow-filter');
  var text = document.getElementById('text-filter');
  var shown = document.getElementById('shown');
  function has(list, value) { return (' ' + list + ' ').indexOf(' ' + value + ' ') >= 0; }
  function apply() {
    var n = 0;
    runs.forEach(function (r) {
      var ok = (!failures.checked || r.dataset.status === 'fail')
        && (!rule.value || has(r.dataset.rules, rule.value))
        && (!profile.value || has(r.dataset.profiles, profile.value))
        && (!flow.value || r.dataset.flow === flow.value)
        && (!text.value || r.textContent.toLowerCase().indexOf(text.value.toLowerCase()) >= 0);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + ' of ' + runs.length + ' scenario runs shown';
  }
  // The filters live in the address too (#failures-only&rule=R...&flow=...&q=...), so a
  // filtered view can be linked to.
  function fromHash() {
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var kv = part.split('=');
      var v = decodeURIComponent(kv[1] || '');
      if (kv[0] === 'failures-only') { failures.checked = true; }
      if (kv[0] === 'rule') { rule.value = v; }
      if (kv[0] === 'profile') { profile.value = v; }
      if (kv[0] === 'flow') { flow.value = v; }
      if (kv[0] === 'q') { text.value = v; }
    });
  }
  function toHash() {
    var parts = [];
    if (failures.checked) { parts.push('failures-only'); }
    if (rule.value) { parts.push('rule=' + encodeURIComponent(rule.value)); }
    if (profile.value) { parts.push('profile=' + encodeURIComponent(profile.value)); }
    if (flow.value) { parts.push('flow=' + encodeURIComponent(flow.value)); }
    if (text.value) { parts.push('q=' + encodeURIComponent(text.value)); }
    history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname);
  }
  function changed() { apply(); toHash(); }
  [failures, rule, profile, flow].forEach(function (e) { e.addEventListener('change', changed); });
  text.addEventListener('input', changed);
  document.addEventListener('click', function (e) {
    var b = e.target.closest('button.copy');
    if (!b) { return; }
    var code = document.getElementById(b.dataset.copy);
    if (!code) { return; }
    var done = function () { b.textContent = 'Copied'; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code.textContent).then(done, function () {});
    } else {
      var range = document.createRange();
      range.selectNodeContents(code);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      try { document.execCommand('copy'); done(); } catch (err) { /* selected for the reader */ }
    }
  });
  if (/^#(failures-only|rule=|profile=|flow=|q=)/.test(location.hash)) { fromHash(); }
  apply();
  // What a layout check reads: the page's height, and the sections that take room.
  var root = document.documentElement;
  root.dataset.height = String(document.body.scrollHeight);
  root.dataset.laidOut = ['matrix', 'causes', 'scenarios', 'rules'].filter(function (id) {
    var e = document.getElementById(id);
    return e && e.getBoundingClientRect().height > 0;
  }).join(' ');
  // Verdicts are words on a colour: each badge's text must differ from its background.
  root.dataset.badgesReadable = Array.prototype.every.call(document.querySelectorAll('.badge'), function (b) {
    var st = getComputedStyle(b);
    return b.textContent.trim() !== '' && st.color !== st.backgroundColor;
  }) ? 'yes' : 'no';
  root.dataset.script = 'ran';
})();
