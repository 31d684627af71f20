/*
 * The settings page. It talks to the "plugins" actuator endpoint only:
 *   GET    {endpoint}?hours=H               every plugin, costs for H hours
 *   GET    {endpoint}/{id}                  one plugin: schema, (masked) config, revision
 *   POST   {endpoint}/{id}                  {"config": "<JSON text>", "revision": "..."}
 *   DELETE {endpoint}/{id}                  back to defaults
 *   DELETE {endpoint}/{id}/resources        stop its processes and cloud resource
 *   GET    {endpoint}/{id}/revisions[/{r}]  its history; one revision, with what restoring it changes
 *   OPTIONS {endpoint}/{id}                 whether it takes writes (its Allow header)
 * Where the endpoint is comes from settings.json, next to this file; whether it takes
 * writes, from the endpoint itself, behind its own security. Text from the server and
 * from schemas is always set as text, never as HTML.
 */
(function () {
  'use strict';

  /**
   * How long a save or restore waits for every instance that has the plugin loaded to
   * apply it, so that its answer shows what they applied (docs/endpoint.md, "Waiting for
   * every instance"); the server cuts it to its plugins.await-timeout.
   */
  const AWAIT = '5s';

  /** What the endpoint shows instead of a hidden value. */
  const MASK = '******';

  /** What a field whose saved value is hidden shows instead of it. */
  const HIDDEN = 'Saved value hidden';

  const state = {
    settings: null,
    list: null,
    category: null,
    uniqueId: null,
    detail: null,
    editor: null,
    /** JSON Pointer -> the masked value the server sent there. */
    masked: new Map(),
    /**
     * JSON Pointer of a hidden saved value -> whether its field is still as the page left
     * it (empty), so that its saved value is kept.
     */
    hidden: new Map(),
    /** The form's value when it was filled, to tell untouched fields. */
    initial: null,
    writable: false,
    busy: false,
    /** The hours of the cost estimate, as last entered validly. */
    hours: 1
  };

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- HTTP

  function csrfHeaders() {
    // Spring Security's cookie CSRF token repository (see docs/endpoint.md, "Security") sets XSRF-TOKEN.
    const match = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
    return match ? { 'X-XSRF-TOKEN': decodeURIComponent(match[1]) } : {};
  }

  async function call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      Object.assign(headers, csrfHeaders());
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(state.settings.endpoint + path, {
      method,
      headers,
      body: (body !== undefined) ? JSON.stringify(body) : undefined,
      credentials: 'same-origin'
    });
    let json = null;
    const text = await response.text();
    if (text) {
      try {
        json = JSON.parse(text);
      } catch (e) {
        json = null;
      }
    }
    return { status: response.status, ok: response.ok, json };
  }

  // ---------------------------------------------------------------- formatting

  const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });

  /** The hours of the cost estimate: the field's last valid value. */
  function hours() {
    return state.hours;
  }

  /**
   * Takes the hours field's value when the endpoint would (a number above 0 and at most
   * 876000); otherwise marks the field invalid, says why, and keeps the last valid value.
   * @return whether the value was taken
   */
  function readHours() {
    const input = $('hours');
    const value = Number(input.value);
    const valid = input.value.trim() !== '' && !input.validity.badInput && Number.isFinite(value) && value > 0
      && value <= 876000;
    const note = $('hours-error');
    if (valid) {
      state.hours = value;
      input.removeAttribute('aria-invalid');
      note.textContent = '';
    } else {
      input.setAttribute('aria-invalid', 'true');
      note.textContent = 'Enter a number of hours above 0 and at most 876000; the costs shown are for '
        + state.hours + ' h.';
    }
    note.hidden = valid;
    return valid;
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  /** A count with its noun: 1 category, 2 categories. */
  function count(n, singular, plural) {
    return n + ' ' + ((n === 1) ? singular : (plural || singular + 's'));
  }

  function badge(list, text, className) {
    list.appendChild(el('li', text, 'badge' + (className ? ' ' + className : '')));
  }

  function fact(dl, term, value) {
    dl.appendChild(el('dt', term));
    const dd = el('dd');
    if (value instanceof Node) {
      dd.appendChild(value);
    } else {
      dd.textContent = String(value);
    }
    dl.appendChild(dd);
  }

  /**
   * What a remote resource costs per hour now, or null: only a running one, as the
   * server's cost estimates count it. A terminated resource stays listed with its price.
   */
  function hourlyPrice(remote) {
    return (remote && remote.running && remote.estimatedCostPerHour != null) ? remote.estimatedCostPerHour : null;
  }

  function gpus(remote) {
    if (!remote || !remote.gpuCount) {
      return null;
    }
    return remote.gpuCount + ' × ' + (remote.gpuType || 'GPU');
  }

  function plugins(category) {
    return state.list.plugins.filter((p) => p.category === category);
  }

  function entry(uniqueId) {
    return state.list.plugins.find((p) => p.uniqueId === uniqueId) || null;
  }

  // ---------------------------------------------------------------- messages

  function notice(text) {
    const node = $('notice');
    node.textContent = text || '';
    node.hidden = !text;
  }

  function message(text, failure, action) {
    const node = $('message');
    node.textContent = '';
    node.classList.toggle('failure', !!failure);
    if (text) {
      node.appendChild(el('span', text));
    }
    if (action) {
      node.appendChild(document.createTextNode(' '));
      node.appendChild(action);
    }
  }

  // ---------------------------------------------------------------- loading

  async function start() {
    try {
      const response = await fetch('settings.json', { headers: { Accept: 'application/json' } });
      state.settings = await response.json();
    } catch (e) {
      $('summary').textContent = 'Could not load the page settings.';
      return;
    }
    if (state.settings.unreachable) {
      $('summary').textContent = state.settings.unreachable + '.';
      return;
    }
    $('category').addEventListener('change', () => selectCategory($('category').value));
    $('plugin').addEventListener('change', () => selectPlugin($('plugin').value));
    let timer = null;
    $('hours').addEventListener('input', () => {
      clearTimeout(timer);
      if (readHours()) {
        timer = setTimeout(refreshList, 300);
      }
    });
    $('settings-form').addEventListener('submit', (event) => {
      event.preventDefault();
      save();
    });
    $('check').addEventListener('click', check);
    $('reset').addEventListener('click', reset);
    $('stop').addEventListener('click', stopResources);
    window.addEventListener('hashchange', () => {
      const id = wantedId();
      if (id && id !== state.uniqueId) {
        if (entry(id)) {
          selectCategory(entry(id).category, id);
        } else {
          unknownPlugin(id);
          if (state.uniqueId) {
            history.replaceState(null, '', '#' + encodeURIComponent(state.uniqueId));
          }
        }
      }
    });
    readHours();
    await refreshList();
    if (!state.list) {
      return;
    }
    await learnAccess();
    const wanted = wantedId();
    const first = entry(wanted) || state.list.plugins[0];
    if (first) {
      await selectCategory(first.category, first.uniqueId);
      if (wanted && !entry(wanted)) {
        unknownPlugin(wanted);
      }
    } else {
      $('summary').textContent = 'No plugins are registered.';
    }
  }

  /** The plugin the address names after #, or '' (also when it is not valid percent-encoding). */
  function wantedId() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      return location.hash.slice(1);
    }
  }

  /** An address naming no registered plugin: said, not ignored; the page stays where it is. */
  function unknownPlugin(uniqueId) {
    notice('No plugin \'' + uniqueId + '\' is registered; showing ' + (state.detail ? state.detail.title
      : 'the first plugin') + '.');
  }

  async function refreshList() {
    let response;
    try {
      response = await call('GET', '?hours=' + encodeURIComponent(hours()));
    } catch (e) {
      $('summary').textContent = 'The plugins endpoint did not answer.';
      return;
    }
    if (response.status === 404) {
      $('summary').textContent = 'The plugins endpoint was not found: it needs "plugins" in '
        + 'management.endpoints.web.exposure.include, and management.endpoint.plugins.access other than none.';
      return;
    }
    if (response.status === 401 || response.status === 403) {
      $('summary').textContent = 'You may not see the plugins endpoint (HTTP ' + response.status + ').';
      return;
    }
    if (!response.ok || !response.json) {
      $('summary').textContent = 'The plugins endpoint answered HTTP ' + response.status + '.';
      return;
    }
    state.list = response.json;
    renderSummary();
    renderCategories();
    if (state.category) {
      renderPluginOptions();
      renderComparison();
    }
    if (state.uniqueId) {
      renderDetails();
    }
  }

  /**
   * Whether the endpoint takes writes, from the methods it allows on a plugin: asked of
   * the endpoint, so that only who may use it learns it. Without an answer, the controls
   * stay enabled and the server has the last word.
   */
  async function learnAccess() {
    const first = state.list.plugins[0];
    let allowed = null;
    if (first) {
      try {
        const response = await fetch(state.settings.endpoint + '/' + encodeURIComponent(first.uniqueId),
          { method: 'OPTIONS', credentials: 'same-origin' });
        const allow = response.ok ? response.headers.get('Allow') : null;
        allowed = allow ? allow.toUpperCase().split(/\s*,\s*/) : null;
      } catch (e) {
        allowed = null;
      }
    }
    state.writable = !allowed || allowed.includes('POST');
    if (!state.writable) {
      $('write-note').textContent = 'Read-only: changing settings needs management.endpoint.plugins.access=unrestricted '
        + 'on the server.';
      $('write-note').hidden = false;
    }
    setWritable(state.writable);
  }

  function renderSummary() {
    const stats = state.list.stats;
    const cost = state.list.cloudCost;
    $('summary').textContent = count(stats.total, 'plugin') + ' in '
      + count(state.list.categories.length, 'category', 'categories') + ' · ' + stats.configured + ' configured · '
      + stats.withActiveResources + ' with active resources · cloud ' + usd.format(cost.hourlyUsd) + ' per hour, '
      + usd.format(cost.totalUsd) + ' for ' + cost.hours + ' h' + budgetSummary(cost.budget);
  }

  // Each budget the server enforces, the global one and each category's, as plain text.
  function budgetSummary(budget) {
    if (!budget) {
      return '';
    }
    const state = (one) => usd.format(one.hourlyUsd) + ' per hour, '
      + (one.exceeded ? 'exceeded (' + one.action + ')' : 'within');
    let text = budget.hourlyUsd === null ? '' : ' · budget ' + state(budget);
    for (const [category, one] of Object.entries(budget.categories || {})) {
      text += ' · ' + category + ' budget ' + state(one);
    }
    return text;
  }

  function renderCategories() {
    const select = $('category');
    const current = state.category;
    select.textContent = '';
    for (const category of state.list.categories) {
      const option = el('option', category.displayName + ' (' + category.plugins + ')');
      option.value = category.name;
      select.appendChild(option);
    }
    if (current) {
      select.value = current;
    }
  }

  function renderPluginOptions() {
    const select = $('plugin');
    select.textContent = '';
    for (const plugin of plugins(state.category)) {
      const option = el('option', plugin.title + (plugin.configured ? '' : ' (not configured)'));
      option.value = plugin.uniqueId;
      select.appendChild(option);
    }
    if (state.uniqueId) {
      select.value = state.uniqueId;
    }
  }

  async function selectCategory(category, uniqueId) {
    state.category = category;
    $('category').value = category;
    const members = plugins(category);
    state.uniqueId = null;
    renderPluginOptions();
    renderComparison();
    const chosen = uniqueId || (members[0] && members[0].uniqueId);
    if (chosen) {
      await selectPlugin(chosen);
    }
  }

  async function selectPlugin(uniqueId) {
    state.uniqueId = uniqueId;
    $('plugin').value = uniqueId;
    if (location.hash.slice(1) !== encodeURIComponent(uniqueId)) {
      history.replaceState(null, '', '#' + encodeURIComponent(uniqueId));
    }
    message('');
    renderComparison();
    await loadDetail();
  }

  async function loadDetail() {
    const uniqueId = state.uniqueId;
    const response = await call('GET', '/' + encodeURIComponent(uniqueId));
    if (uniqueId !== state.uniqueId) {
      return;
    }
    if (!response.ok || !response.json) {
      state.detail = null;
      $('details').hidden = true;
      $('settings').hidden = true;
      notice('Could not load plugin ' + uniqueId + ' (HTTP ' + response.status + ').');
      return;
    }
    notice('');
    showDetail(response.json);
  }

  function showDetail(detail) {
    state.detail = detail;
    showChanges([]);
    loadHistory();
    renderDetails();
    renderForm();
  }

  // ---------------------------------------------------------------- details and comparison

  function device(detail) {
    const values = [detail.config && detail.config.device, detail.managedResources && detail.managedResources.device];
    return values.find((value) => typeof value === 'string' && value !== MASK) || null;
  }

  function renderDetails() {
    const detail = state.detail;
    if (!detail) {
      return;
    }
    const live = entry(detail.uniqueId) || detail;
    $('details').hidden = false;
    $('details-title').textContent = detail.title;
    $('details-description').textContent = detail.description || '';
    const badges = $('badges');
    badges.textContent = '';
    badge(badges, live.executionMode.replace(/_/g, ' '));
    badge(badges, live.local ? 'local' : 'cloud');
    badge(badges, live.configured ? 'configured' : 'not configured', live.configured ? 'configured' : 'unconfigured');
    const remote = live.remoteResource;
    if (hourlyPrice(remote) != null) {
      badge(badges, usd.format(hourlyPrice(remote)) + ' per hour', 'cost');
    }
    if (gpus(remote)) {
      badge(badges, gpus(remote));
    }
    if (device(detail)) {
      badge(badges, 'device: ' + device(detail));
    }
    if (live.activeResources) {
      badge(badges, 'active resources', 'active');
    }
    const error = live.error || detail.error;
    $('details-error').textContent = error ? 'Error: ' + error : '';
    $('details-error').hidden = !error;
    const facts = $('facts');
    facts.textContent = '';
    fact(facts, 'Unique id', detail.uniqueId);
    fact(facts, 'Version', detail.version || '—');
    fact(facts, 'Live PIDs', live.pids.length ? live.pids.join(', ') : 'none');
    if (remote) {
      fact(facts, 'Remote resource', [remote.provider, remote.region, remote.instanceId].filter(Boolean).join(' · ')
        + ' — ' + remote.status);
    }
    const cost = state.list && state.list.cloudCost.byPlugin[detail.uniqueId];
    fact(facts, 'Cost for ' + hours() + ' h', (cost != null) ? usd.format(cost) : usd.format(0));
    const resources = Object.entries(detail.managedResources || {});
    if (resources.length) {
      const list = el('ul');
      for (const [key, value] of resources) {
        list.appendChild(el('li', key + ': ' + (typeof value === 'object' ? JSON.stringify(value) : value)));
      }
      fact(facts, 'Managed resources', list);
    }
    fact(facts, 'Revision', detail.revision || (live.configured ? 'unreadable (see the error)' : 'none saved'));
    if (Array.isArray(detail.undeclaredPaths) && detail.undeclaredPaths.length) {
      // Saved over HTTP or by hand, passed a schema that takes other keys, read by no one.
      fact(facts, 'Not in the schema', detail.undeclaredPaths.join(', ')
        + ': saved, but not settings of this plugin (misspelt?); saves from this page keep '
        + (detail.undeclaredPaths.length === 1 ? 'it' : 'them'));
    }
    const applied = appliedFact(detail);
    if (applied) {
      fact(facts, 'Applied', applied);
    }
    if (!state.busy) {
      offer('reset', state.writable, nothingToReset());
      offer('stop', state.writable, nothingToStop());
    }
  }

  /**
   * Which instances that have the plugin loaded run the saved revision: "applied on 2 of 3
   * instances", then each failure and each instance still on another revision, by name.
   */
  function appliedFact(detail) {
    if (detail.applied === null && detail.error) {
      return null;
    }
    const entries = Object.entries(detail.applied || {});
    if (!entries.length) {
      return null;
    }
    const current = detail.revision == null ? null : detail.revision;
    const done = entries.filter(([, a]) => !a.error && a.revision === current).length;
    const node = el('div');
    node.appendChild(el('span', 'applied on ' + done + ' of ' + count(entries.length, 'instance'), 'applied-count'));
    const others = entries.filter(([, a]) => a.error || a.revision !== current);
    if (others.length) {
      const list = el('ul', null, 'applied-others');
      for (const [instance, a] of others) {
        list.appendChild(el('li', instance + ': ' + (a.error ? 'failed: ' + a.error
          : 'still on ' + (a.revision == null ? 'the defaults' : 'revision ' + a.revision)),
          a.error ? 'applied-failed' : null));
      }
      node.appendChild(list);
    }
    return node;
  }

  function renderComparison() {
    if (!state.list || !state.category) {
      return;
    }
    $('comparison').hidden = false;
    $('compare-cost').textContent = 'Cost for ' + hours() + ' h';
    const body = $('compare').tBodies[0];
    body.textContent = '';
    for (const plugin of plugins(state.category)) {
      const row = el('tr');
      if (plugin.uniqueId === state.uniqueId) {
        row.className = 'selected';
        row.setAttribute('aria-current', 'true');
      }
      const name = el('th');
      name.scope = 'row';
      const pick = el('button', plugin.title, 'link');
      pick.type = 'button';
      pick.addEventListener('click', () => selectPlugin(plugin.uniqueId));
      name.appendChild(pick);
      row.appendChild(name);
      const remote = plugin.remoteResource;
      const cost = state.list.cloudCost.byPlugin[plugin.uniqueId];
      for (const value of [plugin.executionMode.replace(/_/g, ' '), plugin.configured ? 'yes' : 'no',
        (hourlyPrice(remote) != null) ? usd.format(hourlyPrice(remote)) : '—',
        gpus(remote) || '—', remote ? remote.status : '—', plugin.pids.length ? plugin.pids.join(', ') : '—',
        usd.format(cost || 0)]) {
        row.appendChild(el('td', value));
      }
      body.appendChild(row);
    }
  }

  // ---------------------------------------------------------------- the form library, made safe

  /**
   * json-editor shows schema text (titles, descriptions, enum titles, array item titles)
   * after its cleanText, which parses the text as HTML in a detached element: an
   * <img onerror> in a title ran. Here text stays text; the library's style rules go to a
   * constructed style sheet and its visually hidden labels take a class, so that the page's
   * Content-Security-Policy needs no 'unsafe-inline' for styles either.
   */
  function hardenEditor(JSONEditor) {
    if (JSONEditor.hardened) {
      return;
    }
    JSONEditor.hardened = true;
    const asText = (text) => (text === undefined || text === null) ? '' : String(text);
    JSONEditor.AbstractTheme.prototype.cleanText = asText;
    JSONEditor.AbstractEditor.prototype.cleanText = asText;

    const theme = JSONEditor.AbstractTheme.prototype;
    const hide = (node) => {
      node.removeAttribute('style');
      node.classList.add('visually-hidden');
      return node;
    };
    theme.getHiddenLabel = function (text) {
      return hide(el('label', text));
    };
    theme.getHiddenText = function (text) {
      return hide(el('span', text));
    };
    theme.visuallyHidden = function (element) {
      if (element) {
        hide(element);
      }
    };
    theme.getOptInCheckbox = function (formname) {
      const container = el('span');
      const label = this.getHiddenLabel(formname + '-opt-in');
      label.setAttribute('for', formname + '-opt-in');
      const checkbox = el('input', null, 'json-editor-opt-in');
      checkbox.type = 'checkbox';
      checkbox.id = formname + '-opt-in';
      container.appendChild(checkbox);
      container.appendChild(label);
      return { label, checkbox, container };
    };

    // Its rules as the library would insert them, in a style sheet CSP does not govern.
    const sheets = new Map();
    JSONEditor.prototype.addNewStyleRules = function (themeName, rules) {
      const qualifier = this.element.nodeName.toLowerCase();
      const css = Object.keys(rules).reverse().map((selector) => (themeName === 'default' ? selector
        : qualifier + '[data-theme="' + themeName + '"] ' + selector) + ' {' + decodeURIComponent(rules[selector]) + '}');
      let sheet = sheets.get(themeName);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheets.set(themeName, sheet);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }
      sheet.replaceSync(css.join('\n'));
    };

    // The editor of an enum of objects or arrays shows the chosen value as HTML it builds
    // with the object's keys unescaped: as JSON text instead.
    const enumEditor = JSONEditor.defaults.editors.enum;
    if (enumEditor) {
      enumEditor.prototype.getHTML = function (value) {
        const text = (typeof value === 'string') ? value : JSON.stringify(value);
        return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      };
    }
  }

  // ---------------------------------------------------------------- the form

  function pointer(parent, key) {
    return parent + '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');
  }

  function containsMask(value) {
    if (value === MASK) {
      return true;
    }
    if (value && typeof value === 'object') {
      return Object.values(value).some(containsMask);
    }
    return false;
  }

  /**
   * The config without its masked values, which the form cannot show: a masked scalar or
   * an array with masks is left out, and remembered with its place.
   */
  function unmask(value, at, masked) {
    if (value === MASK || (Array.isArray(value) && containsMask(value))) {
      masked.set(at, value);
      return undefined;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const result = {};
      for (const [key, child] of Object.entries(value)) {
        const kept = unmask(child, pointer(at, key), masked);
        if (kept !== undefined) {
          result[key] = kept;
        }
      }
      return result;
    }
    return value;
  }

  /**
   * Whether a value is saved at a JSON Pointer, at it, in it or around it, from the
   * endpoint's savedPaths: a masked value and a masked default look the same. Without
   * savedPaths (an endpoint of another version), whether anything is saved at all.
   */
  function isSaved(detail, at) {
    if (!Array.isArray(detail.savedPaths)) {
      return detail.revision != null || !!detail.configured;
    }
    return detail.savedPaths.some((path) => overlap(path, at));
  }

  /** Whether two JSON Pointers are one place, or one lies inside the other. */
  function overlap(one, other) {
    return one === other || one.startsWith(other + '/') || other.startsWith(one + '/');
  }

  /**
   * Empties the field of a hidden saved value, so that neither the default nor anything
   * else stands for a value the page does not know, and marks it as hidden: a text field
   * by its placeholder, a choice by a first option that cannot be chosen again, anything
   * else (a check box, a list) by a note. Returns a test of whether the field is still as
   * left here, which keeps the saved value.
   */
  function blank(field, masked) {
    if (shownEditor(field) !== field) {
      const type = field.type;
      const inner = blank(shownEditor(field), masked);
      return () => field.type === type && inner();
    }
    const input = field.input;
    if (input && input.tagName === 'SELECT' && !input.multiple) {
      const option = el('option', HIDDEN);
      option.value = '_hidden_';
      option.disabled = true;
      option.hidden = true;
      input.insertBefore(option, input.firstChild);
      input.value = option.value;
      field.value = undefined;
      field.onChange(true);
      return () => input.value === option.value;
    }
    if (input && input.tagName === 'INPUT' && input.type === 'checkbox') {
      input.checked = false;
      input.indeterminate = true;
      hiddenNote(field, HIDDEN);
      return () => input.indeterminate;
    }
    if (input && (input.tagName === 'TEXTAREA' || input.tagName === 'INPUT')) {
      field.setValue('', true);
      // Not every input can be empty (a range, a colour).
      if (input.value === '') {
        input.placeholder = HIDDEN;
        return () => input.value === '';
      }
    }
    // A list, or a field of its own kind: emptied where it can be, and told apart by value.
    if (Array.isArray(masked)) {
      field.setValue([], true);
      hiddenNote(field, HIDDEN + ' (' + count(masked.length, 'item') + ')');
    } else {
      hiddenNote(field, HIDDEN);
    }
    const left = JSON.stringify(field.getValue());
    return () => JSON.stringify(field.getValue()) === left;
  }

  /** The editor of a field as shown: of a field of several types, that of the type chosen. */
  function shownEditor(field) {
    return (field && field.editors && Number.isInteger(field.type) && field.editors[field.type]) || field;
  }

  function hiddenNote(field, text) {
    const note = el('p', text, 'masked-note');
    note.id = 'masked-' + field.formname.replace(/[^A-Za-z0-9_-]/g, '_');
    field.container.appendChild(note);
    describe(field, note.id);
  }

  function tokens(at) {
    return at.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  }

  function get(value, at) {
    return tokens(at).reduce((node, key) => (node != null && typeof node === 'object') ? node[key] : undefined, value);
  }

  function put(value, at, replacement) {
    const keys = tokens(at);
    let node = value;
    keys.slice(0, -1).forEach((key) => {
      if (node[key] == null || typeof node[key] !== 'object') {
        node[key] = {};
      }
      node = node[key];
    });
    node[keys[keys.length - 1]] = replacement;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  /** The form's path of a JSON Pointer: /a/b/0 is root.a.b.0. */
  function editorPath(at) {
    return ['root'].concat(tokens(at)).join('.');
  }

  /** Keywords whose value is a map of names to schemas. */
  const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

  /** Keywords whose value is a schema, or a list of schemas. */
  const SCHEMAS = ['items', 'prefixItems', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames',
    'not', 'if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'unevaluatedItems', 'unevaluatedProperties'];

  /** Calls visit with each schema in a schema, itself first; names, defaults and enums are no schemas. */
  function eachSchema(schema, visit) {
    if (Array.isArray(schema)) {
      schema.forEach((item) => eachSchema(item, visit));
      return;
    }
    if (!schema || typeof schema !== 'object') {
      return;
    }
    visit(schema);
    for (const key of SCHEMA_MAPS) {
      const map = schema[key];
      if (map && typeof map === 'object' && !Array.isArray(map)) {
        Object.values(map).forEach((child) => eachSchema(child, visit));
      }
    }
    for (const key of SCHEMAS) {
      eachSchema(schema[key], visit);
    }
  }

  /**
   * A copy of the schema for the form: write-only strings become password fields, so
   * that nothing typed into them is shown either; and what json-editor reads beyond
   * JSON Schema to make links, set attributes of fields or preview files from a schema
   * is left out (links, media, options.inputAttributes, options.containerAttributes,
   * options.upload).
   */
  function formSchema(schema) {
    const copy = JSON.parse(JSON.stringify(schema || {}));
    eachSchema(copy, (node) => {
      if (node.writeOnly === true && (node.type === 'string' || node.type === undefined)) {
        node.format = 'password';
      }
      delete node.links;
      delete node.media;
      if (node.options && typeof node.options === 'object') {
        delete node.options.inputAttributes;
        delete node.options.containerAttributes;
        delete node.options.upload;
      }
    });
    if (!copy.type && !copy.properties && !copy.$ref) {
      copy.type = 'object';
    }
    return copy;
  }

  function renderForm() {
    const detail = state.detail;
    $('settings').hidden = false;
    // Set once the form shows this detail: what automated tests of the page wait for.
    delete $('settings').dataset.ready;
    clearViolations();
    if (state.editor) {
      state.editor.destroy();
      state.editor = null;
    }
    const holder = $('form');
    holder.textContent = '';
    if (!window.JSONEditor) {
      holder.appendChild(el('p', 'The form library is missing (the json-editor WebJar): the settings cannot be edited here.', 'error'));
      setWritable(false);
      return;
    }
    state.masked = new Map();
    state.hidden = new Map();
    const start = unmask(detail.config || {}, '', state.masked) || {};
    // Masked values where a value is saved; the others are defaults, which the form shows.
    const hidden = [...state.masked.keys()].filter((at) => isSaved(detail, at));
    $('hidden-note').hidden = hidden.length === 0;
    hardenEditor(window.JSONEditor);
    const editor = new window.JSONEditor(holder, {
      schema: formSchema(detail.configSchema),
      theme: 'html',
      iconlib: null,
      disable_edit_json: true,
      disable_properties: true,
      disable_collapse: true,
      disable_array_reorder: false,
      show_errors: 'never',
      remove_empty_properties: true,
      prompt_before_delete: false,
      use_default_values: true
    });
    state.editor = editor;
    editor.on('ready', () => {
      if (state.editor !== editor) {
        return;
      }
      // As an initial value: properties it lacks keep their field, with the default, which
      // is what applies where nothing is saved.
      editor.root.setValue(start, true);
      // Where a value is saved but hidden, the field is emptied, never left at the default.
      for (const at of hidden) {
        const field = editor.getEditor(editorPath(at));
        if (field && field.container) {
          state.hidden.set(at, blank(field, state.masked.get(at)));
          describe(field, 'hidden-note');
        }
      }
      state.initial = editor.getValue();
      editor.on('change', () => {
        if (state.editor === editor) {
          markSecretsToResend();
          markTextInNumbers();
        }
      });
      setWritable(state.writable);
      $('settings').dataset.ready = detail.uniqueId + ':' + (detail.revision || '');
    });
  }

  /** Keys of values that say where data goes (DESIGN.md, "Secrets in writes"). */
  const DESTINATION_KEY = /(url|uri|host|hostname|endpoint|server|address)$/i;

  /** String formats that say where data goes. */
  const DESTINATION_FORMATS = ['uri', 'iri', 'hostname', 'idn-hostname', 'email', 'idn-email', 'ipv4', 'ipv6'];

  function isDestination(at, key) {
    if (DESTINATION_KEY.test(key)) {
      return true;
    }
    const field = state.editor.getEditor(editorPath(at));
    return !!(field && field.schema && DESTINATION_FORMATS.includes(field.schema.format));
  }

  /**
   * The changed field that says where data goes, in the object of a hidden value or
   * above, or null: the server keeps a hidden secret only while its destination stays.
   */
  function changedDestination(secret, value) {
    const parents = [];
    for (let at = secret; at !== '';) {
      at = at.slice(0, at.lastIndexOf('/'));
      parents.push(at);
    }
    for (const parent of parents) {
      const now = get(value, parent);
      const before = get(state.initial, parent);
      const keys = new Set([...Object.keys((now && typeof now === 'object') ? now : {}),
        ...Object.keys((before && typeof before === 'object') ? before : {})]);
      for (const key of keys) {
        const at = pointer(parent, key);
        if (at === secret || secret.startsWith(at + '/')) {
          continue;
        }
        if (!same(get(value, at), get(state.initial, at)) && isDestination(at, key)) {
          return at;
        }
      }
    }
    return null;
  }

  /**
   * Beside each hidden value left unchanged: a note that it must be typed again when a
   * field saying where data goes changed, as the server refuses to send it elsewhere.
   */
  function markSecretsToResend() {
    const value = state.editor.getValue() || {};
    for (const at of state.masked.keys()) {
      const field = state.editor.getEditor(editorPath(at));
      if (!field || !field.container) {
        continue;
      }
      const id = 'resend-' + field.formname.replace(/[^A-Za-z0-9_-]/g, '_');
      let note = document.getElementById(id);
      const destination = untouched(at, value) ? changedDestination(at, value) : null;
      if (!destination) {
        if (note) {
          note.remove();
          undescribe(field, id);
        }
        continue;
      }
      const changed = state.editor.getEditor(editorPath(destination));
      const name = (changed && changed.schema && changed.schema.title) || tokens(destination).join('.');
      const text = 'Type this secret again: ' + name + ' changed, and the saved secret is not sent to a new destination.';
      if (!note) {
        note = el('p', null, 'resend-note');
        note.id = id;
        note.setAttribute('role', 'status');
        field.container.appendChild(note);
        describe(field, id);
      }
      if (note.textContent !== text) {
        note.textContent = text;
      }
    }
  }

  function setWritable(writable) {
    for (const id of ['check', 'save']) {
      $(id).disabled = !writable;
    }
    offer('reset', writable, nothingToReset());
    offer('stop', writable, nothingToStop());
    if (state.editor && state.editor.ready) {
      if (writable) {
        state.editor.enable();
      } else {
        state.editor.disable();
      }
    }
  }

  /**
   * Enables a button that acts on the plugin only where it has something to act on;
   * otherwise it stays disabled and its note (and title) says why.
   */
  function offer(id, writable, reason) {
    const button = $(id);
    const note = $(id + '-note');
    button.disabled = !writable || !!reason;
    if (reason) {
      button.title = reason;
    } else {
      button.removeAttribute('title');
    }
    note.textContent = (writable && reason) || '';
    note.hidden = !writable || !reason;
  }

  /** What Stop resources would stop now, from the list's live entry and the detail view. */
  function stoppable() {
    const detail = state.detail;
    if (!detail) {
      return null;
    }
    const live = entry(detail.uniqueId) || detail;
    const remote = live.remoteResource;
    // A status alone (such as "stopped") is a report, not something held; nor is a
    // resource of a plugin that the server says holds none (a server it only uses).
    const managed = Object.keys(detail.managedResources || {}).filter((key) => key !== 'status');
    return {
      processes: (live.pids || []).length > 0 || (managed.length > 0 && live.activeResources !== false),
      cloud: !!remote && !['terminated', 'stopped', 'deleted'].includes(String(remote.status).toLowerCase())
    };
  }

  /** Why Reset to defaults has nothing to delete: no revision read and none saved. */
  function nothingToReset() {
    const detail = state.detail;
    if (!detail || detail.revision != null) {
      return null;
    }
    // Saved but unreadable (no revision, see the error): a reset deletes it.
    const live = entry(detail.uniqueId) || detail;
    return (live.configured || detail.configured) ? null : 'Nothing to reset: no settings are saved.';
  }

  function nothingToStop() {
    const what = stoppable();
    return (what && !what.processes && !what.cloud) ? 'Nothing to stop: no processes or cloud resource.' : null;
  }

  function describe(field, id) {
    const input = field.input || (field.container && field.container.querySelector('input, select, textarea'));
    if (input) {
      const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (!ids.includes(id)) {
        ids.push(id);
      }
      input.setAttribute('aria-describedby', ids.join(' '));
    }
    return input;
  }

  function undescribe(field, id) {
    const input = field.input || (field.container && field.container.querySelector('input, select, textarea'));
    if (input) {
      const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter((other) => other && other !== id);
      if (ids.length) {
        input.setAttribute('aria-describedby', ids.join(' '));
      } else {
        input.removeAttribute('aria-describedby');
      }
    }
  }

  function clearViolations() {
    document.querySelectorAll('#form .violation').forEach((node) => node.remove());
    document.querySelectorAll('#form [aria-invalid="true"]').forEach((node) => node.removeAttribute('aria-invalid'));
    $('form-violations').textContent = '';
    $('form-violations').hidden = true;
  }

  /**
   * Marks a field invalid, saying why beside it: the one way the form shows a problem of
   * a field, whether the server or the page found it.
   */
  function markInvalid(field, id, text) {
    const note = el('p', text, 'violation');
    note.id = id;
    field.container.appendChild(note);
    const input = describe(field, id);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
    }
  }

  /** Each violation next to its field; those of no field above the form. */
  function showViolations(violations) {
    clearViolations();
    const general = [];
    violations.forEach((violation, index) => {
      const field = violation.path ? state.editor.getEditor(editorPath(violation.path)) : null;
      if (field && field.container) {
        markInvalid(field, 'violation-' + index, violation.message);
      } else {
        general.push((violation.path || 'configuration') + ': ' + violation.message);
      }
    });
    if (general.length) {
      const list = $('form-violations');
      const items = el('ul');
      general.forEach((text) => items.appendChild(el('li', text)));
      list.appendChild(items);
      list.hidden = false;
    }
  }

  /**
   * Marks each number field holding text that is no number, and unmarks those fixed.
   * json-editor keeps such text and would send it as a string (a whole number field's
   * "1.5" too), where an empty field sends nothing; Check and Save send nothing while one
   * is marked.
   * @return the fields marked, in the form's order: each its name and whether it takes a
   * whole number
   */
  function markTextInNumbers() {
    const NumberEditor = window.JSONEditor.defaults.editors.number;
    const IntegerEditor = window.JSONEditor.defaults.editors.integer;
    const marked = [];
    const seen = new Set();
    for (const registered of Object.values(state.editor.editors || {})) {
      const field = shownEditor(registered);
      if (!(field instanceof NumberEditor) || !field.container || !field.input || seen.has(field)) {
        continue;
      }
      seen.add(field);
      const id = 'number-' + field.formname.replace(/[^A-Za-z0-9_-]/g, '_');
      const note = document.getElementById(id);
      const value = field.getValue();
      if (typeof value === 'string' && value !== '') {
        const one = { name: field.getTitle(), whole: field instanceof IntegerEditor };
        if (!note) {
          markInvalid(field, id, 'Enter ' + (one.whole ? 'a whole number' : 'a number') + ' in ' + one.name + '.');
        }
        marked.push(one);
      } else if (note) {
        note.remove();
        undescribe(field, id);
        if (!field.container.querySelector('.violation')) {
          field.input.removeAttribute('aria-invalid');
        }
      }
    }
    return marked;
  }

  /** Why Check or Save sent nothing: the number fields holding text. */
  /**
   * Clears what the last Check or Save showed; false, with the fields marked and named,
   * when a number field holds text, which is then never sent.
   */
  function readyToSend(refusal) {
    clearViolations();
    showChanges([]);
    const unreadable = markTextInNumbers();
    if (unreadable.length) {
      message(textInNumbers(refusal, unreadable), true);
      return false;
    }
    return true;
  }

  function textInNumbers(prefix, marked) {
    if (marked.length === 1) {
      return prefix + ': ' + marked[0].name + ' is not a ' + (marked[0].whole ? 'whole number' : 'number') + '.';
    }
    return prefix + ': ' + count(marked.length, 'field') + ' hold text where a number goes ('
      + marked.map((one) => one.name).join(', ') + ').';
  }

  /**
   * Whether the field of a masked value was left as the page filled it: a saved value's
   * field left empty, a default's left at the default. The server keeps the saved value
   * where the mask is sent back, and leaves out a mask with nothing saved behind it.
   */
  function untouched(at, value) {
    const kept = state.hidden.get(at);
    return kept ? kept() : same(get(value, at), get(state.initial, at));
  }

  /** The form's value, with the mask put back where a hidden value was left unchanged. */
  function formValue() {
    const value = state.editor.getValue() || {};
    for (const [at, original] of state.masked) {
      if (untouched(at, value)) {
        put(value, at, original);
      }
    }
    return value;
  }

  // ---------------------------------------------------------------- writes

  function writeFailed(response, what) {
    const status = response.status;
    if (status === 403 || status === 401) {
      return 'Not allowed: your user may not ' + what + ' (HTTP ' + status + ').';
    }
    if (status === 405) {
      return 'Writes are not enabled on the server (management.endpoint.plugins.access is read-only).';
    }
    const detail = response.json && response.json.message;
    return 'Could not ' + what + ' (HTTP ' + status + ')' + (detail ? ': ' + detail : '.');
  }

  async function busy(action) {
    if (state.busy) {
      return;
    }
    state.busy = true;
    setWritable(false);
    try {
      await action();
    } catch (e) {
      message('The request failed: ' + e.message, true);
    } finally {
      state.busy = false;
      setWritable(state.writable);
    }
  }

  /** What Save sends, and Check with dryRun: the form and the revision read. */
  function saveBody() {
    const detail = state.detail;
    return {
      config: formValue(),
      // The revision read; empty when nothing was saved, so that a save made elsewhere in
      // between is not overwritten either. A saved configuration without a revision is
      // one the server cannot read (see the error): the save replaces it.
      revision: (detail.revision != null) ? detail.revision : (detail.configured ? null : '')
    };
  }

  /** What a save that waited says when some instance had not applied it in time. */
  function notAwaited(detail) {
    return (detail.awaited === false) ? ' Not every instance had applied it yet: see Applied.' : '';
  }

  /** A value in a table of changes; a masked one says it is hidden. */
  function shown(value) {
    return (value === MASK) ? 'hidden' : JSON.stringify(value === undefined ? null : value);
  }

  /** A row of a table of changes: the setting, then its value now and after. */
  function changeRow(path, now, after) {
    const row = el('tr');
    row.appendChild(el('th', path || '(all)'));
    row.firstChild.scope = 'row';
    row.appendChild(el('td', now));
    row.appendChild(el('td', after));
    return row;
  }

  /**
   * What Check found: each setting whose value a save would change, then each whose value
   * stays but that a save would start saving (from its default) or stop saving (back to
   * its default, the same value).
   */
  function showChanges(changes, savedOnly) {
    const rows = $('changes-rows');
    rows.textContent = '';
    for (const change of changes) {
      rows.appendChild(changeRow(change.path, shown(change.from), shown(change.to)));
    }
    for (const change of savedOnly || []) {
      // The value stays: on the side where it is not saved, it is the default.
      const value = shown(change.from === null ? change.to : change.from);
      rows.appendChild(changeRow(change.path, value + (change.from === null ? ' (default)' : ''),
        value + (change.to === null ? ' (default)' : '')));
    }
    $('changes').hidden = rows.children.length === 0;
  }

  /**
   * What a save would change in what is saved but not in any value: the dry run's
   * savedChanges beyond its changes.
   */
  function savedOnly(changes, savedChanges) {
    return (savedChanges || []).filter((saved) => !changes.some((change) => overlap(change.path, saved.path)));
  }

  /**
   * What Check says a save would do. The dry run's changes are of values; a save also
   * writes values that equal their defaults, which change none: said too, and above all
   * where nothing is saved yet, as then even a form left at its defaults writes the first
   * revision.
   */
  function checked(changes, savedChanges) {
    const detail = state.detail;
    if (detail.revision == null && Array.isArray(savedChanges)) {
      const saved = savedChanges.length;
      const start = detail.configured ? 'Checked: the saved settings cannot be read, so a save replaces them'
        : 'Checked: nothing is saved yet, so a save writes the first revision';
      if (saved === 0) {
        return start + ', with no values: the defaults apply.';
      }
      return start + ', saving ' + count(saved, 'setting') + (changes.length ? '; it would change '
        + count(changes.length, 'setting') + ' from the defaults.'
        : (saved === 1 ? ', at its default.' : ', all at their defaults.'));
    }
    const onlySaved = savedOnly(changes, savedChanges);
    if (!onlySaved.length) {
      return changes.length ? 'Checked: a save would change ' + count(changes.length, 'setting') + '.'
        : 'Checked: a save would change nothing.';
    }
    const started = onlySaved.filter((change) => change.from === null).length;
    const stopped = onlySaved.length - started;
    const also = [
      started ? 'save ' + count(started, 'setting') + ' now at ' + (started === 1 ? 'its default' : 'their defaults')
        : null,
      stopped ? 'stop saving ' + count(stopped, 'setting') + ' equal to ' + (stopped === 1 ? 'its default'
        : 'their defaults') : null
    ].filter(Boolean).join(' and ');
    return 'Checked: a save would change ' + (changes.length ? count(changes.length, 'setting') + ' and '
      : 'no value, but would ') + also + '.';
  }

  /**
   * A refused or conflicting write, said the same way for Check and Save.
   * @return whether violations were shown beside their fields
   */
  function refused(response, what, prefix) {
    if (response.status === 400 && response.json && response.json.violations) {
      showViolations(response.json.violations);
      message(prefix + ': the settings break the plugin\'s rules ('
        + count(response.json.violations.length, 'problem') + ').', true);
      return true;
    }
    if (response.status === 409) {
      const reload = el('button', 'Reload');
      reload.type = 'button';
      reload.addEventListener('click', async () => {
        await loadDetail();
        message('Reloaded the settings saved elsewhere.');
      });
      message(prefix + ': the settings were changed elsewhere. Reload to see them, then make your change again.',
        true, reload);
      return false;
    }
    message(writeFailed(response, what), true);
    return false;
  }

  /**
   * Once the form takes input again, focus where the action left off: the first field to
   * fix, else the button used, else (when it no longer exists or is now disabled) the
   * message saying what happened. The busy state disabled the button, which took focus
   * away from it.
   */
  function refocus(button, invalid) {
    const first = invalid && document.querySelector('#form [aria-invalid="true"]');
    if (first) {
      first.focus();
    } else if (button && button.isConnected && !button.disabled) {
      button.focus();
    } else {
      $('message').focus();
    }
  }

  /** Every check a save makes, nothing written: what would change, or why it would not. */
  async function check() {
    if (!state.writable || !state.editor) {
      return;
    }
    let invalid = false;
    await busy(async () => {
      if (!readyToSend('Would not be saved')) {
        invalid = true;
        return;
      }
      const body = Object.assign(saveBody(), { dryRun: true });
      message('Checking…');
      const response = await call('POST', '/' + encodeURIComponent(state.uniqueId), body);
      if (response.ok) {
        const changes = response.json.changes || [];
        showChanges(changes, savedOnly(changes, response.json.savedChanges));
        message(checked(changes, response.json.savedChanges));
        return;
      }
      invalid = refused(response, 'check', 'Would not be saved');
    });
    refocus($('check'), invalid);
  }

  async function save() {
    if (!state.writable || !state.editor) {
      return;
    }
    let invalid = false;
    await busy(async () => {
      if (!readyToSend('Not saved')) {
        invalid = true;
        return;
      }
      const body = Object.assign(saveBody(), { await: AWAIT });
      message('Saving…');
      const response = await call('POST', '/' + encodeURIComponent(state.uniqueId), body);
      if (response.ok) {
        showDetail(response.json);
        message('Saved (revision ' + response.json.revision + ').' + notAwaited(response.json));
        await refreshList();
        return;
      }
      invalid = refused(response, 'save', 'Not saved');
    });
    refocus($('save'), invalid);
  }

  // ---------------------------------------------------------------- history

  /** The plugin's revisions, newest first, each with Changes and Restore. */
  async function loadHistory() {
    const uniqueId = state.uniqueId;
    const revision = state.detail && state.detail.revision;
    const response = await call('GET', '/' + encodeURIComponent(uniqueId) + '/revisions');
    if (uniqueId !== state.uniqueId) {
      return;
    }
    const rows = $('history-rows');
    rows.textContent = '';
    $('history-diff').hidden = true;
    const revisions = (response.ok && response.json && response.json.revisions) || [];
    $('history').hidden = !response.ok;
    $('history-empty').hidden = revisions.length > 0;
    $('history-table').hidden = revisions.length === 0;
    let currentShown = false;
    for (const entry of revisions) {
      const row = el('tr');
      // The file store names a revision after its content: a restore repeats the name of
      // the revision restored. Only the newest is current; the others hold the same values.
      const same = entry.revision === revision;
      const current = same && !currentShown;
      currentShown = currentShown || current;
      const name = entry.deleted ? 'deleted' : entry.revision.slice(0, 12) + (current ? ' (current)' : '');
      row.appendChild(el('th', name));
      row.firstChild.scope = 'row';
      row.appendChild(el('td', new Date(entry.writtenAt).toLocaleString()));
      row.appendChild(el('td', entry.writtenBy || 'outside this application'));
      const actions = el('td');
      if (!entry.deleted && !same) {
        const changes = el('button', 'Changes');
        changes.type = 'button';
        changes.addEventListener('click', () => showRevisionDiff(entry.revision));
        actions.appendChild(changes);
        const restore = el('button', 'Restore');
        restore.type = 'button';
        restore.disabled = !state.writable;
        restore.addEventListener('click', () => restoreRevision(entry.revision));
        actions.appendChild(restore);
      }
      row.appendChild(actions);
      rows.appendChild(row);
    }
  }

  /**
   * Each setting where a revision differs from the current one: what restoring it would
   * change, as the server compares them. The page sees hidden values only masked, so it
   * could not tell two of them apart; the server names those that differ, still masked.
   */
  async function showRevisionDiff(revision) {
    const uniqueId = state.uniqueId;
    const response = await call('GET', '/' + encodeURIComponent(uniqueId) + '/revisions/'
      + encodeURIComponent(revision));
    if (uniqueId !== state.uniqueId || !response.ok) {
      return;
    }
    const changes = response.json.changes;
    const rows = $('history-diff-rows');
    rows.textContent = '';
    for (const change of changes || []) {
      rows.appendChild(changeRow(change.path, shown(change.from), shown(change.to)));
    }
    $('history-diff-title').textContent = 'Revision ' + revision.slice(0, 12) + ' against the current settings: '
      + (!Array.isArray(changes) ? 'not compared, as the current settings cannot be read'
        : changes.length ? count(changes.length, 'difference') : 'no difference');
    $('history-diff').hidden = false;
  }

  async function restoreRevision(revision) {
    if (!state.writable) {
      return;
    }
    if (!await confirm('Restore revision ' + revision.slice(0, 12) + '?',
      'Its settings, secrets included, are saved as a new revision, checked like any save.', 'Restore')) {
      return;
    }
    await busy(async () => {
      const detail = state.detail;
      const response = await call('POST', '/' + encodeURIComponent(state.uniqueId), {
        restore: revision,
        revision: (detail.revision != null) ? detail.revision : '',
        await: AWAIT
      });
      if (response.ok) {
        showDetail(response.json);
        message('Restored revision ' + revision.slice(0, 12) + ' as revision ' + response.json.revision + '.'
          + notAwaited(response.json));
        await refreshList();
        return;
      }
      refused(response, 'restore', 'Not restored');
    });
    // The history is drawn again: its buttons are new.
    refocus(null);
  }

  function confirm(title, text, action) {
    const dialog = $('confirm');
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-ok').textContent = action;
    dialog.returnValue = '';
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
      dialog.showModal();
      $('confirm-cancel').focus();
    });
  }

  async function reset() {
    if (!state.writable || nothingToReset()) {
      return;
    }
    const title = state.detail.title;
    if (!await confirm('Reset ' + title + '?', 'This deletes its saved settings; its defaults apply again.',
      'Reset')) {
      $('reset').focus();
      return;
    }
    await busy(async () => {
      const response = await call('DELETE', '/' + encodeURIComponent(state.uniqueId));
      if (response.ok) {
        showDetail(response.json);
        message('Reset: the saved settings were deleted, and the defaults apply.');
        await refreshList();
        return;
      }
      message(writeFailed(response, 'reset the settings'), true);
    });
    refocus($('reset'));
  }

  async function stopResources() {
    if (!state.writable || nothingToStop()) {
      return;
    }
    const title = state.detail.title;
    const what = stoppable();
    const ends = [what.processes ? 'ends its processes' : null, what.cloud ? 'terminates its cloud resource' : null];
    if (!await confirm('Stop the resources of ' + title + '?',
      'This ' + ends.filter(Boolean).join(' and ') + '. Work in progress is lost.', 'Stop resources')) {
      $('stop').focus();
      return;
    }
    await busy(async () => {
      const response = await call('DELETE', '/' + encodeURIComponent(state.uniqueId) + '/resources');
      if (!response.ok || !response.json) {
        message(writeFailed(response, 'stop the resources'), true);
        return;
      }
      const result = response.json;
      const done = [];
      if (result.cleanedUp) {
        done.push('cleaned up its processes');
      }
      if (result.terminated) {
        done.push('terminated its cloud resource');
      }
      if (result.endedPids.length) {
        done.push('ended ' + (result.endedPids.length === 1 ? 'PID ' : 'PIDs ') + result.endedPids.join(', '));
      }
      const text = (done.length ? 'Stopped: ' + done.join('; ') + '.' : 'Nothing to stop.')
        + (result.errors.length ? ' Failed: ' + result.errors.join('; ') : '');
      message(text, result.errors.length > 0);
      await refreshList();
      await loadDetail();
    });
    refocus($('stop'));
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
