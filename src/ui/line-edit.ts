/**
 * Editing one line of text as a shell does, with no React and no terminal: the app's every text
 * field (an answer, a secret, the typed command line, the picker's filter) is this state and these
 * keys, drawn by `components/line-input.tsx`.
 *
 * Input comes as Ink delivers it: one key, or a chunk that holds several (a paste, or a held key
 * repeating faster than the app reads). `decodeKeys` turns a chunk into keys, one per character, so
 * ten DELs in one chunk delete ten characters and a paste that ends with Enter submits. What the
 * student types is untrusted: only printable text enters the value (no control character, no
 * escape sequence, no bidi control), and the value is bounded.
 */

/** The most characters a line holds; a longer paste is cut. */
export const maxLineLength = 4096;

export type LineState = {
	readonly value: string;
	/** Where the cursor stands, in characters (code points) from the start: 0 to the value's length. */
	readonly cursor: number;
	/**
	 * The value is a default shown selected: a typed character replaces it, Enter takes it, and
	 * any other key (an arrow, Backspace) unselects it and edits it.
	 */
	readonly selected: boolean;
};

export type LineKey =
	| {readonly kind: 'text'; readonly text: string}
	| {
			readonly kind:
				| 'submit'
				| 'left'
				| 'right'
				| 'word-left'
				| 'word-right'
				| 'home'
				| 'end'
				| 'delete-left'
				| 'delete-right'
				| 'delete-to-start'
				| 'delete-word'
				| 'delete-to-end'
				// Not editing keys: a line ignores them, a list moves with them.
				| 'up'
				| 'down'
				| 'page-up'
				| 'page-down'
				| 'escape'
				| 'tab';
	  };

type KeyKind = Exclude<LineKey['kind'], 'text'>;

const chars = (text: string): string[] => Array.from(text);

/** Printable text only: no C0 or C1 control, no DEL, no bidi override, isolate or mark, no lone surrogate. */
export function isPrintable(code: number): boolean {
	if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return false;
	if (code >= 0xd800 && code <= 0xdfff) return false;
	if (code === 0x200e || code === 0x200f || code === 0x061c || code === 0x2028 || code === 0x2029) return false;
	return !((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069));
}

/** The printable part of a text (a default, a value given from outside), cut at the bound. */
export function printable(text: string, max = maxLineLength): string {
	return chars(text)
		.filter(char => isPrintable(char.codePointAt(0)!))
		.slice(0, max)
		.join('');
}

/** A line ready for typing: empty, or holding a default (selected unless told otherwise). */
export function startLine(initial = '', options: {readonly selected?: boolean} = {}): LineState {
	const value = printable(initial);
	return {value, cursor: chars(value).length, selected: (options.selected ?? true) && value.length > 0};
}

/** Ctrl+letter and the other single control characters a terminal sends for editing keys. */
const controlKeys: Readonly<Record<number, KeyKind>> = {
	0x01: 'home', // ctrl+a
	0x02: 'left', // ctrl+b
	0x04: 'delete-right', // ctrl+d
	0x05: 'end', // ctrl+e
	0x06: 'right', // ctrl+f
	0x08: 'delete-left', // ctrl+h, or Backspace on terminals that send BS
	0x0a: 'submit', // ctrl+j, a pasted line feed
	0x0b: 'delete-to-end', // ctrl+k
	0x0d: 'submit', // Enter
	0x0e: 'down', // ctrl+n
	0x10: 'up', // ctrl+p
	0x15: 'delete-to-start', // ctrl+u
	0x17: 'delete-word', // ctrl+w
	0x7f: 'delete-left', // Backspace on most terminals (DEL), which Ink calls "delete"
};

/** CSI sequences ending in a letter: arrows, Home, End (ESC [ 1 ; 5 D is ctrl+left). */
const csiLetters: Readonly<Record<string, KeyKind>> = {A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', Z: 'tab'};
/** CSI sequences ESC [ n ~ (and rxvt's $ and ^ forms). */
const csiNumbers: Readonly<Record<string, KeyKind>> = {1: 'home', 7: 'home', 4: 'end', 8: 'end', 3: 'delete-right', 5: 'page-up', 6: 'page-down'};

/**
 * The keys in one chunk of input, in order. Printable runs become one text key; a tab alone is
 * the tab key, a tab inside a paste a space; every other control character and escape sequence
 * is a key or nothing, never text.
 */
export function decodeKeys(raw: string): LineKey[] {
	if (raw === '\t') return [{kind: 'tab'}];
	const keys: LineKey[] = [];
	let text = '';
	const push = (key: LineKey): void => {
		if (text) keys.push({kind: 'text', text});
		text = '';
		keys.push(key);
	};
	const units = raw.length;
	let index = 0;
	while (index < units) {
		const code = raw.codePointAt(index)!;
		const size = code > 0xffff ? 2 : 1;
		if (code === 0x1b) {
			const [key, next] = escapeSequence(raw, index);
			if (key) push({kind: key});
			index = next;
			continue;
		}
		index += size;
		if (code === 0x0d && raw.charCodeAt(index) === 0x0a) index++; // CR LF is one line break
		if (code === 0x09) text += ' ';
		else if (isPrintable(code)) text += String.fromCodePoint(code);
		else if (controlKeys[code]) push({kind: controlKeys[code]});
	}
	if (text) keys.push({kind: 'text', text});
	return keys;
}

/** The key an escape sequence starting at `start` means (or none), and where the input goes on. */
function escapeSequence(raw: string, start: number): [KeyKind | undefined, number] {
	const next = raw[start + 1];
	if (next === undefined) return ['escape', start + 1];
	if (next === '[') return csi(raw, start + 2);
	if (next === 'O') {
		// SS3: ESC O and one letter (arrows and Home/End in application mode, F1 to F4).
		const letter = raw[start + 2];
		return [letter === undefined ? undefined : csiLetters[letter], Math.min(raw.length, start + 3)];
	}
	if (next === ']' || next === 'P' || next === '_' || next === '^' || next === 'X') {
		// A string command (OSC, DCS, APC, PM, SOS): everything to BEL or ESC \ is dropped.
		let index = start + 2;
		while (index < raw.length && raw[index] !== '\u0007' && !(raw[index] === '\u001B' && raw[index + 1] === '\\')) index++;
		return [undefined, Math.min(raw.length, index + (raw[index] === '\u0007' ? 1 : 2))];
	}
	if (next === '\u001B') {
		// Alt with an arrow (ESC ESC [ D) moves by a word; a double escape alone is escape.
		const [key, after] = escapeSequence(raw, start + 1);
		return [key === 'left' ? 'word-left' : key === 'right' ? 'word-right' : key, after];
	}
	// Alt+letter: readline's word keys; any other is nothing.
	const alt: Readonly<Record<string, KeyKind>> = {b: 'word-left', f: 'word-right', '\u007F': 'delete-word', '\b': 'delete-word'};
	const size = next.codePointAt(0)! > 0xffff ? 2 : 1;
	return [alt[next], start + 1 + size];
}

/** ESC [ params final: the key it names (with ctrl or alt, an arrow moves by a word), and where input goes on. */
function csi(raw: string, from: number): [KeyKind | undefined, number] {
	let index = from;
	// ESC [ [ A: the Linux console's F1 to F5.
	if (raw[index] === '[') index++;
	while (index < raw.length && raw.charCodeAt(index) >= 0x20 && raw.charCodeAt(index) <= 0x3f) index++;
	const final = raw[index];
	if (final === undefined || raw.charCodeAt(index) < 0x40 || raw.charCodeAt(index) > 0x7e) return [undefined, index];
	const params = raw.slice(from, index).split(';');
	const after = index + 1;
	if (final === '~' || final === '$' || final === '^') return [csiNumbers[params[0] ?? ''], after];
	const key = csiLetters[final];
	const modifier = Number(params[1] ?? 1) - 1;
	// Ctrl (4) or alt (2) with left or right: a word at a time.
	if (modifier & 6 && (key === 'left' || key === 'right')) return [key === 'left' ? 'word-left' : 'word-right', after];
	return [key, after];
}

const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/u.test(char);

/** Where the word before `cursor` starts: back over spaces, then back over the word (shell's ctrl+w). */
function wordStart(list: readonly string[], cursor: number): number {
	let index = cursor;
	while (index > 0 && isSpace(list[index - 1])) index--;
	while (index > 0 && !isSpace(list[index - 1])) index--;
	return index;
}

/** Where the word after `cursor` ends: over spaces, then over the word. */
function wordEnd(list: readonly string[], cursor: number): number {
	let index = cursor;
	while (index < list.length && isSpace(list[index])) index++;
	while (index < list.length && !isSpace(list[index])) index++;
	return index;
}

/** The line after one key. Enter changes nothing here: `applyInput` reports it as a submit. */
export function editLine(state: LineState, key: LineKey, max = maxLineLength): LineState {
	const list = chars(state.value);
	const at = Math.max(0, Math.min(state.cursor, list.length));
	const make = (next: readonly string[], cursor: number): LineState => ({value: next.join(''), cursor, selected: false});
	switch (key.kind) {
		case 'text': {
			const typed = chars(printable(key.text, max));
			if (state.selected) return make(typed, typed.length);
			const room = Math.max(0, max - list.length);
			const added = typed.slice(0, room);
			return make([...list.slice(0, at), ...added, ...list.slice(at)], at + added.length);
		}
		case 'left':
			return make(list, Math.max(0, at - 1));
		case 'right':
			return make(list, Math.min(list.length, at + 1));
		case 'word-left':
			return make(list, wordStart(list, at));
		case 'word-right':
			return make(list, wordEnd(list, at));
		case 'home':
			return make(list, 0);
		case 'end':
			return make(list, list.length);
		case 'delete-left':
			return at === 0 ? make(list, 0) : make([...list.slice(0, at - 1), ...list.slice(at)], at - 1);
		case 'delete-right':
			return make([...list.slice(0, at), ...list.slice(at + 1)], at);
		case 'delete-to-start':
			return make(list.slice(at), 0);
		case 'delete-word': {
			const start = wordStart(list, at);
			return make([...list.slice(0, start), ...list.slice(at)], start);
		}
		case 'delete-to-end':
			return make(list.slice(0, at), at);
		default:
			// Enter, and the keys a line does not use (up, down, escape, tab), leave it as it is.
			return state;
	}
}

/**
 * A chunk of input applied to a line: its keys in order until a line break, which submits the
 * value as it is then (the rest of the chunk is dropped, as a shell runs a pasted line).
 */
export function applyInput(state: LineState, raw: string, max = maxLineLength): {readonly state: LineState; readonly submitted?: string} {
	let line = state;
	for (const key of decodeKeys(raw)) {
		if (key.kind === 'submit') return {state: line, submitted: line.value};
		line = editLine(line, key, max);
	}
	return {state: line};
}

/** A line as drawn: the text before the cursor, the character under it (a space at the end), and after it. */
export type ShownLine = {readonly before: string; readonly at: string; readonly after: string};

/**
 * What of a line fits in `width` columns, the cursor always in view: a longer value scrolls, and
 * a cut end shows as `…`. A secret shows one `*` per character and never the characters.
 */
export function shownLine(state: LineState, width: number, secret = false): ShownLine {
	const list = secret ? chars(state.value).map(() => '*') : chars(state.value);
	const cursor = Math.max(0, Math.min(state.cursor, list.length));
	// The cells: every character and one more for the cursor at the end.
	const cells = [...list, ' '];
	const room = Math.max(3, Math.floor(width));
	let start = 0;
	if (cells.length > room) start = Math.min(Math.max(0, cursor - (room - 2)), cells.length - room);
	const end = Math.min(cells.length, start + room);
	const window = cells.slice(start, end);
	if (start > 0) window[0] = '…';
	if (end < cells.length) window[window.length - 1] = '…';
	// The cell after the last character is only ever the cursor's.
	if (end === cells.length && cursor < list.length) window.pop();
	const place = cursor - start;
	return {before: window.slice(0, place).join(''), at: window[place] ?? ' ', after: window.slice(place + 1).join('')};
}
