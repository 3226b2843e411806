/**
 * Text from outside (tag lists, registry bodies and headers, the engine's output, names typed on
 * the command line, the progress file) is data, never control: a terminal must not be retitled,
 * have its clipboard written or its cursor moved by it. Every face and command prints through
 * these functions, at the boundary, so no caller has to remember.
 *
 * Controls are shown, not obeyed: ESC as ␛, BEL as ␇ and the other C0 controls as their control
 * pictures, DEL as ␡, the C1 controls and the bidi overrides and isolates as ⟨U+XXXX⟩. Once no
 * ESC, C1 or other control is left, no escape sequence (CSI, OSC, DCS, APC, PM, SOS, a single
 * character escape) can start, so its remaining characters are plain text. One pass, no regex.
 */

export type TerminalSafeOptions = {
	/** The most characters one line shows; the rest is counted instead (`… (N more characters)`). */
	readonly maxLine?: number;
};

export const defaultMaxLine = 2000;

const tabStop = 8;

/** A character that needs nothing done: printable ASCII, and everything from U+00A0 but the bidi controls. */
function isPlain(code: number): boolean {
	if (code >= 0x20 && code < 0x7f) return true;
	if (code < 0xa0) return false;
	return !isBidiControl(code);
}

function isBidiControl(code: number): boolean {
	return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

const codePoint = (code: number): string => `⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩`;

/** How a control shows: C0 as its control picture (U+2400 + code), DEL as ␡, C1 and bidi controls by code point. */
function picture(code: number): string {
	if (code < 0x20) return String.fromCharCode(0x2400 + code);
	if (code === 0x7f) return '␡';
	return codePoint(code);
}

/** Made once, as code units: hostile text may hold millions of controls. */
const pictures: readonly (readonly number[])[] = Array.from({length: 0xa0}, (_, code) => units(picture(code)));
const bidiPictures = new Map([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map(code => [code, units(codePoint(code))] as const));
const spaces: readonly number[] = units(' '.repeat(tabStop));

function units(text: string): number[] {
	return Array.from({length: text.length}, (_, index) => text.charCodeAt(index));
}

/**
 * The shown text, built as UTF-16 code units: adding millions of short strings one by one is
 * many times slower. The decoder reads the units in this machine's byte order.
 */
class Units {
	private data: Uint16Array;
	length = 0;
	constructor(size: number) {
		this.data = new Uint16Array(Math.max(16, size));
	}
	private room(more: number): void {
		if (this.length + more <= this.data.length) return;
		const grown = new Uint16Array(Math.max(this.data.length * 2, this.length + more));
		grown.set(this.data.subarray(0, this.length));
		this.data = grown;
	}
	add(codes: readonly number[], count = codes.length): void {
		this.room(count);
		for (let index = 0; index < count; index++) this.data[this.length++] = codes[index]!;
	}
	copy(text: string, start: number, end: number): void {
		this.room(end - start);
		for (let index = start; index < end; index++) this.data[this.length++] = text.charCodeAt(index);
	}
	text(): string {
		return decoder.decode(this.data.subarray(0, this.length));
	}
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const decoder = new TextDecoder(littleEndian ? 'utf-16le' : 'utf-16be');

/** Any text, made safe to print: see the top of this file. Line breaks stay; a tab becomes spaces to the next stop. */
export function terminalSafe(text: string, options: TerminalSafeOptions = {}): string {
	const maxLine = options.maxLine ?? defaultMaxLine;
	if (isAlreadySafe(text, maxLine)) return text;
	const out = new Units(text.length + 64);
	// Characters shown on this line, and characters of it left out once it reached maxLine.
	let shown = 0;
	let left = 0;
	// The start of the plain characters not yet copied to out.
	let run = 0;
	const copyRun = (end: number): void => {
		if (left === 0 && end > run) out.copy(text, run, end);
		run = end;
	};
	const endLine = (): void => {
		if (left > 0) out.copy(`… (${left} more characters)`, 0, `… (${left} more characters)`.length);
		shown = 0;
		left = 0;
	};
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (isPlain(code)) {
			if (left > 0) left++;
			else if (shown >= maxLine) {
				// Never split a surrogate pair: the high half goes with the low half.
				const split = code >= 0xdc00 && code <= 0xdfff && index > run && isHighSurrogate(text.charCodeAt(index - 1));
				copyRun(split ? index - 1 : index);
				left = split ? 2 : 1;
			} else shown++;
			continue;
		}
		copyRun(index);
		run = index + 1;
		if (code === 0x0a) {
			endLine();
			out.copy('\n', 0, 1);
			continue;
		}
		// A Windows line end is a line end.
		if (code === 0x0d && text.charCodeAt(index + 1) === 0x0a) continue;
		const shownAs = code === 0x09 ? spaces : (pictures[code] ?? bidiPictures.get(code)!);
		const count = code === 0x09 ? tabStop - (shown % tabStop) : shownAs.length;
		if (left > 0 || shown + count > maxLine) left++;
		else {
			out.add(shownAs, count);
			shown += count;
		}
	}
	copyRun(text.length);
	endLine();
	return out.text();
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/** The quick answer for most text: nothing to show differently, and no line too long. */
function isAlreadySafe(text: string, maxLine: number): boolean {
	let line = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === 0x0a) line = 0;
		else if (!isPlain(code) || ++line > maxLine) return false;
	}
	return true;
}

/**
 * JSON for a machine stays as JSON.stringify made it (it escapes C0 controls already); the
 * characters it leaves raw that a terminal could still act on (DEL, C1, bidi controls, line and
 * paragraph separators) become \u escapes, which stand for the same characters. Outside a string
 * valid JSON holds none of them, so the value read back is the same; no line is ever cut.
 */
export function jsonSafe(json: string): string {
	let out = '';
	let run = 0;
	for (let index = 0; index < json.length; index++) {
		const code = json.charCodeAt(index);
		// JSON.stringify leaves no C0 control raw; one here means the text was not its output, and is escaped all the same.
		const control = code < 0x20 ? code !== 0x09 && code !== 0x0a && code !== 0x0d : code >= 0x7f && code <= 0x9f;
		const raw = control || isBidiControl(code) || code === 0x2028 || code === 0x2029;
		if (!raw) continue;
		out += json.slice(run, index) + `\\u${code.toString(16).padStart(4, '0')}`;
		run = index + 1;
	}
	return run === 0 ? json : out + json.slice(run);
}

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain => {
	if (typeof value !== 'object' || value === null) return false;
	const prototype = Object.getPrototypeOf(value) as unknown;
	return prototype === Object.prototype || prototype === null;
};

/**
 * Every string inside plain objects and arrays made safe, for a face that draws data it was
 * handed. What holds no string to change comes back as the same object; other objects (a
 * function, a Date, a class instance) are kept as they are. A cache (a WeakMap the caller keeps)
 * lets immutable data that is handed over again and again (the lesson in every state) be walked once.
 */
export function safeDeep<T>(value: T, options: TerminalSafeOptions & {readonly cache?: WeakMap<object, unknown>} = {}): T {
	const {cache, ...textOptions} = options;
	const walking = new Set<object>();
	const walk = (item: unknown): unknown => {
		if (typeof item === 'string') return terminalSafe(item, textOptions);
		if (!Array.isArray(item) && !isPlainObject(item)) return item;
		const known = cache?.get(item);
		if (known !== undefined) return known;
		// A loop in the data is left as it is rather than walked for ever.
		if (walking.has(item)) return item;
		walking.add(item);
		let changed = false;
		let result: unknown;
		if (Array.isArray(item)) {
			const items = item.map((entry: unknown) => {
				const safe = walk(entry);
				if (safe !== entry) changed = true;
				return safe;
			});
			result = changed ? items : item;
		} else {
			const entries = Object.entries(item).map(([key, entry]) => {
				const safe = walk(entry);
				if (safe !== entry) changed = true;
				return [key, safe] as const;
			});
			result = changed ? Object.fromEntries(entries) : item;
		}
		walking.delete(item);
		cache?.set(item, result);
		return result;
	};
	return walk(value) as T;
}
