'use client';

import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

/** A match: the value the form sends, the text shown; a route may add fields its caller wants back. */
export type ComboboxOption = { value: string; label: string };

/** What a search route answers: at most a page of matches, and whether there are more. */
export type ComboboxMatches<O extends ComboboxOption = ComboboxOption> = { options: O[]; more: boolean };

type Props<O extends ComboboxOption> = {
  label: string;
  /** The search route: GET `<source>?q=<typed text>` answers ComboboxMatches as JSON. */
  source: string;
  /** The hidden input carrying the chosen option's value, so a form submits it as a select would. */
  name?: string;
  id?: string;
  placeholder?: string;
  hint?: string;
  errors?: string[];
  autoFocus?: boolean;
  /** Called with the chosen option, and with null once the text no longer is a choice. */
  onChange?: (option: O | null) => void;
};

/** Wait this long after the last keystroke before searching, so typing a word is one request. */
const DEBOUNCE_MS = 150;

const CONTROL =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-sky-600 focus:ring-1 focus:ring-sky-600 focus:outline-none aria-[invalid=true]:border-red-600';

type Search<O extends ComboboxOption> =
  { state: 'idle' | 'searching' | 'failed' } | ({ state: 'done'; query: string } & ComboboxMatches<O>);

/**
 * Search-as-you-type in place of a select too long to render: a text input with a list of matches
 * the server finds (the WAI-ARIA combobox pattern with a listbox popup). Typing searches; Down and
 * Up move through the matches, Enter or a click chooses one, Escape closes the list (and, once
 * closed, clears the text). The choice travels in a hidden input, so the form around it and its
 * server action see the same field a select would have sent. Remount it (a new key) to clear it.
 */
export function Combobox<O extends ComboboxOption>({
  label,
  source,
  name,
  id,
  placeholder,
  hint,
  errors,
  autoFocus,
  onChange,
}: Props<O>) {
  const ownId = useId();
  const inputId = id ?? `combobox-${ownId}`;
  const listId = `${inputId}-list`;
  const [text, setText] = useState('');
  const [chosen, setChosen] = useState<O | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [search, setSearch] = useState<Search<O>>({ state: 'idle' });
  const pending = useRef<{ timer?: ReturnType<typeof setTimeout>; abort?: AbortController }>({});
  const options = search.state === 'done' ? search.options : [];

  // A search still under way when the control goes away has nobody to answer.
  useEffect(() => {
    const current = pending.current;
    return () => {
      clearTimeout(current.timer);
      current.abort?.abort();
    };
  }, []);

  const find = (query: string, delay: number) => {
    clearTimeout(pending.current.timer);
    pending.current.abort?.abort();
    setSearch({ state: 'searching' });
    // The search catches its own failures: nothing is left for the timer to wait on.
    const search = async () => {
      const abort = (pending.current.abort = new AbortController());
      try {
        const response = await fetch(`${source}?${new URLSearchParams({ q: query })}`, {
          headers: { accept: 'application/json' },
          signal: abort.signal,
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const matches = (await response.json()) as ComboboxMatches<O>;
        setSearch({ state: 'done', query, ...matches });
        setActive(-1);
      } catch {
        // A newer search took over; only a search that failed on its own is said to have failed.
        if (!abort.signal.aborted) setSearch({ state: 'failed' });
      }
    };
    pending.current.timer = setTimeout(() => void search(), delay);
  };

  const choose = (option: O | null) => {
    setChosen(option);
    onChange?.(option);
  };
  const pick = (option: O) => {
    choose(option);
    setText(option.label);
    setOpen(false);
    setActive(-1);
  };
  const showList = () => {
    setOpen(true);
    // The matches of the text as it is now, unless they are shown already; with a choice made the
    // text is its label, so the list starts from the top instead.
    const query = chosen ? '' : text;
    if (search.state !== 'done' || search.query !== query) find(query, 0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const count = options.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open || event.altKey) return showList();
      if (count === 0) return;
      const down = event.key === 'ArrowDown';
      // From the text, Down goes to the first match and Up to the last; past either end it wraps round.
      setActive(active < 0 ? (down ? 0 : count - 1) : (active + (down ? 1 : -1) + count) % count);
    } else if (event.key === 'Enter' && open && active >= 0 && options[active]) {
      // Choosing, not submitting the form around it.
      event.preventDefault();
      pick(options[active]);
    } else if (event.key === 'Escape') {
      // Handled here, so a dialog around the control does not close too.
      if (open || text) event.preventDefault();
      if (open) {
        setOpen(false);
        setActive(-1);
      } else if (text) {
        setText('');
        choose(null);
      }
    }
  };

  const activeId = open && active >= 0 ? `${listId}-${active}` : undefined;
  useEffect(() => {
    if (activeId) document.getElementById(activeId)?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);

  const describedBy = [hint ? `${inputId}-hint` : '', errors?.length ? `${inputId}-error` : ''].filter(Boolean);
  const message = open ? describeSearch(search) : '';
  // Screen readers hear the outcome of a search, not "Searching…" at every keystroke.
  const announced = search.state === 'searching' ? '' : message;
  return (
    <div className="relative">
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={inputId}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-invalid={Boolean(errors?.length)}
        aria-describedby={describedBy.join(' ') || undefined}
        autoFocus={autoFocus}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          // Typing makes the text a search again, not a choice.
          if (chosen) choose(null);
          setOpen(true);
          find(e.target.value, DEBOUNCE_MS);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setOpen(false);
          setActive(-1);
        }}
        onClick={() => !open && showList()}
        className={CONTROL}
      />
      {name && <input type="hidden" name={name} value={chosen?.value ?? ''} />}
      <div
        hidden={!open}
        // Before the input's blur, which would close the list under the pointer.
        onMouseDown={(e) => e.preventDefault()}
        className="absolute z-20 mt-1 w-full min-w-64 rounded-md border border-slate-200 bg-white text-sm shadow-lg"
      >
        <ul id={listId} role="listbox" aria-label={label} className="max-h-64 overflow-y-auto">
          {options.map((option, i) => (
            <li
              key={option.value}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onClick={() => pick(option)}
              onMouseMove={() => i !== active && setActive(i)}
              className={`cursor-pointer px-3 py-1.5 ${i === active ? 'bg-sky-100 text-sky-950' : 'text-slate-800'} ${option.value === chosen?.value ? 'font-medium' : ''}`}
            >
              {option.label}
            </li>
          ))}
        </ul>
        {/* The words of the live region below, for the eye; read out once, from there. */}
        {message && (
          <p aria-hidden="true" className="border-t border-slate-100 px-3 py-1.5 text-xs text-slate-500">
            {message}
          </p>
        )}
      </div>
      {/* A live region without the status role: the form around it may have a status of its own. */}
      <p aria-live="polite" className="sr-only">
        {announced}
      </p>
      {hint && (
        <p id={`${inputId}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {errors?.length ? (
        <p id={`${inputId}-error`} className="mt-1 text-sm text-red-700">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** The state of the search in words: under the matches, and in the live region for screen readers. */
function describeSearch(search: Search<ComboboxOption>): string {
  if (search.state !== 'done') {
    return { idle: '', searching: 'Searching…', failed: 'The search failed; type again to retry.' }[search.state];
  }
  const n = search.options.length;
  if (n === 0) return search.query ? `Nothing matches “${search.query}”.` : 'There is nothing to choose from.';
  if (search.more) return `The first ${n} matches; type more to narrow them down.`;
  return `${n} ${n === 1 ? 'match' : 'matches'}; use the arrow keys to choose.`;
}
