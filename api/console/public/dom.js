// Building DOM nodes without innerHTML: every string becomes a text node or an attribute value, so
// customer names, comments and server messages can never be parsed as markup.

/**
 * h('a', { href: '#/x', class: 'link', onclick: fn }, 'text', child, [more, children])
 * Attributes: `on*` with a function adds a listener; `class` sets className; `true` sets an empty
 * attribute; `null`, `undefined` and `false` are skipped; non-string values whose name is a DOM
 * property (checked, disabled, value) set the property.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (typeof value !== 'string' && name in el && value !== true) el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children: nodes as they are, strings and numbers as text, arrays flattened, empties skipped. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces an element's children. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A status line for screen readers and sighted users alike (role="status", polite). */
export function notice(kind, ...children) {
  return h(
    'div',
    { class: `notice notice--${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    ...children,
  );
}
