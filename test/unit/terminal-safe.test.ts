import {describe, expect, it} from 'vitest';
import {jsonSafe, safeDeep, terminalSafe} from '../../src/text/terminal-safe.js';

/** What must never reach a terminal: C0 but \n, DEL, C1, bidi overrides and isolates. */
// eslint-disable-next-line no-control-regex -- the control characters are what this looks for
const unsafe = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

describe('terminalSafe', () => {
	it('leaves ordinary text, line breaks and Unicode as they are, and returns the same string', () => {
		const text = 'docker push 127.0.0.1:5000/alice/demo:1.0\nÉtape 2 · 完成 ✓ 😀';
		expect(terminalSafe(text)).toBe(text);
		expect(terminalSafe('')).toBe('');
	});

	it('shows an OSC title sequence ended by BEL with control pictures', () => {
		expect(terminalSafe('\u001B]0;pwned\u0007')).toBe('␛]0;pwned␇');
	});

	it('shows an OSC sequence ended by ST, and an OSC 52 clipboard write', () => {
		expect(terminalSafe('\u001B]2;title\u001B\\')).toBe('␛]2;title␛\\');
		expect(terminalSafe('v1\u001B]52;c;cm0gLXJmIH4=\u0007')).toBe('v1␛]52;c;cm0gLXJmIH4=␇');
	});

	it('shows CSI sequences: colours, cursor moves, clearing the screen', () => {
		expect(terminalSafe('\u001B[31mred\u001B[0m')).toBe('␛[31mred␛[0m');
		expect(terminalSafe('\u001B[2J\u001B[H\u001B[?25l')).toBe('␛[2J␛[H␛[?25l');
	});

	it('shows DCS, APC, PM and SOS strings and single-character escapes', () => {
		expect(terminalSafe('\u001BPq#0;2;0;0;0\u001B\\')).toBe('␛Pq#0;2;0;0;0␛\\');
		expect(terminalSafe('\u001B_Gf=100;AAAA\u001B\\')).toBe('␛_Gf=100;AAAA␛\\');
		expect(terminalSafe('\u001B^private\u001B\\')).toBe('␛^private␛\\');
		expect(terminalSafe('\u001BXsos\u001B\\')).toBe('␛Xsos␛\\');
		expect(terminalSafe('\u001Bc\u001B7\u001B8\u001BM')).toBe('␛c␛7␛8␛M');
	});

	it('shows every other C0 control and DEL; a tab becomes spaces to the next stop', () => {
		expect(terminalSafe('a\u0000b\u0008c\u000Dd\u001Fe\u007F')).toBe('a␀b␈c␍d␟e␡');
		expect(terminalSafe('ab\tc\n\td')).toBe('ab      c\n        d');
		expect(terminalSafe('line\r\nnext')).toBe('line\nnext');
	});

	it('shows the C1 controls (CSI, OSC, DCS, ST, NEL as single characters) by code point', () => {
		expect(terminalSafe('\u009B31m\u009D0;x\u009C\u0090q\u0085')).toBe('⟨U+009B⟩31m⟨U+009D⟩0;x⟨U+009C⟩⟨U+0090⟩q⟨U+0085⟩');
		expect(terminalSafe('\u0080\u009F')).toBe('⟨U+0080⟩⟨U+009F⟩');
	});

	it('shows bidi overrides and isolates, so text cannot be drawn reversed', () => {
		expect(terminalSafe('latest\u202Egpj.exe')).toBe('latest⟨U+202E⟩gpj.exe');
		const all = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
		expect(terminalSafe(all)).toBe('⟨U+202A⟩⟨U+202B⟩⟨U+202C⟩⟨U+202D⟩⟨U+202E⟩⟨U+2066⟩⟨U+2067⟩⟨U+2068⟩⟨U+2069⟩');
		// Marks that only hint at a direction are ordinary text.
		expect(terminalSafe('a\u200Fb')).toBe('a\u200Fb');
	});

	it('caps each line, counting what is left out, and keeps the next lines', () => {
		const long = 'x'.repeat(2500);
		expect(terminalSafe(`${long}\nshort`)).toBe(`${'x'.repeat(2000)}… (500 more characters)\nshort`);
		expect(terminalSafe('abcdef', {maxLine: 4})).toBe('abcd… (2 more characters)');
		expect(terminalSafe('abcd', {maxLine: 4})).toBe('abcd');
		// A control past the cap is counted too, never shown.
		expect(terminalSafe('abcd\u001B]0;x\u0007', {maxLine: 4})).toBe('abcd… (6 more characters)');
		// A picture that would cross the cap is left out whole.
		expect(terminalSafe('abc\u009B', {maxLine: 4})).toBe('abc… (1 more characters)');
	});

	it('never cuts a surrogate pair in half at the cap', () => {
		expect(terminalSafe('abc😀d', {maxLine: 4})).toBe('abc… (3 more characters)');
	});

	it('makes 10 MB of hostile text safe in one pass', () => {
		const chunk = 'tag\u001B]0;pwned\u0007\u009B\u202E\n';
		const text = chunk.repeat(Math.ceil(10_000_000 / chunk.length));
		const safe = terminalSafe(text);
		expect(unsafe.test(safe)).toBe(false);
		expect(safe.split('\n')).toHaveLength(text.split('\n').length);
		expect(safe.startsWith('tag␛]0;pwned␇⟨U+009B⟩⟨U+202E⟩\n')).toBe(true);
		const oneLine = 'a'.repeat(10_000_000);
		expect(terminalSafe(oneLine)).toBe(`${'a'.repeat(2000)}… (9998000 more characters)`);
	});
});

describe('jsonSafe', () => {
	it('keeps the output of JSON.stringify exactly as it is', () => {
		const json = JSON.stringify({tags: ['\u001B]0;pwned\u0007', '\u001B]52;c;aGk=\u0007', 'x'.repeat(5000)], ok: false, note: 'line\nbreak\ttab'});
		expect(jsonSafe(json)).toBe(json);
		expect(unsafe.test(json)).toBe(false);
		expect(json).toContain('\\u001b]0;pwned\\u0007');
	});

	it('escapes what JSON.stringify leaves raw (DEL, C1, bidi), and the value read back is the same', () => {
		const value = {tag: 'a\u007F\u009B\u0085\u202E\u2066\u2028b'};
		const json = JSON.stringify(value);
		const safe = jsonSafe(json);
		expect(unsafe.test(safe)).toBe(false);
		expect(JSON.parse(safe)).toEqual(value);
	});
});

describe('safeDeep', () => {
	it('makes every string inside objects and arrays safe, and keeps the rest', () => {
		const onPick = (): void => undefined;
		const value = {title: 'ok', tags: ['\u001B]0;x\u0007', 'fine'], nested: {n: 1, flag: true, none: null, gone: undefined}, onPick};
		const safe = safeDeep(value);
		expect(safe).toEqual({title: 'ok', tags: ['␛]0;x␇', 'fine'], nested: {n: 1, flag: true, none: null, gone: undefined}, onPick});
		expect(safe.onPick).toBe(onPick);
		// What holds nothing to change is the same object.
		expect(safe.nested).toBe(value.nested);
		expect(safeDeep(value.nested)).toBe(value.nested);
	});

	it('walks shared data once with a cache, and leaves a loop alone', () => {
		const cache = new WeakMap<object, unknown>();
		const lesson = {title: 'bad\u0007'};
		const first = safeDeep({lesson, index: 0}, {cache});
		const second = safeDeep({lesson, index: 1}, {cache});
		expect(first.lesson).toEqual({title: 'bad␇'});
		expect(second.lesson).toBe(first.lesson);
		const loop: {self?: unknown; name: string} = {name: '\u001B'};
		loop.self = loop;
		expect(safeDeep(loop).name).toBe('␛');
	});
});
