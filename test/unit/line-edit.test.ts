import {describe, expect, it} from 'vitest';
import {applyInput, decodeKeys, editLine, maxLineLength, shownLine, startLine, type LineKey, type LineState} from '../../src/ui/line-edit.js';
import {filterOptions, listWindow, moveHighlight} from '../../src/ui/list-view.js';

/** A line with the cursor where `|` stands. */
const at = (marked: string, selected = false): LineState => {
	const cursor = Array.from(marked).indexOf('|');
	return {value: marked.replace('|', ''), cursor, selected};
};
/** The line marked the same way. */
const marked = (state: LineState): string => {
	const chars = Array.from(state.value);
	chars.splice(state.cursor, 0, '|');
	return chars.join('');
};
/** The line after typing these chunks (each as Ink delivers one read), and what was submitted. */
const typing = (state: LineState, ...chunks: string[]): {line: string; submitted?: string} => {
	let line = state;
	for (const chunk of chunks) {
		const result = applyInput(line, chunk);
		line = result.state;
		if (result.submitted !== undefined) return {line: marked(line), submitted: result.submitted};
	}
	return {line: marked(line)};
};
const key = (kind: Exclude<LineKey['kind'], 'text'>): LineKey => ({kind});

const ctrl = {a: '\u0001', b: '\u0002', d: '\u0004', e: '\u0005', f: '\u0006', h: '\b', k: '\u000B', u: '\u0015', w: '\u0017'};
const esc = {left: '\u001B[D', right: '\u001B[C', home: '\u001B[H', end: '\u001B[F', del: '\u001B[3~', up: '\u001B[A', down: '\u001B[B'};
const backspace = '\u007F';

describe('decodeKeys: a chunk of input as keys', () => {
	it.each<[string, string, LineKey[]]>([
		['printable text is one text key', 'docker push', [{kind: 'text', text: 'docker push'}]],
		['DEL (what Backspace sends on most terminals) deletes left', backspace, [key('delete-left')]],
		['BS (ctrl+h, Backspace elsewhere) deletes left', ctrl.h, [key('delete-left')]],
		['ESC [ 3 ~ (the Delete key) deletes right', esc.del, [key('delete-right')]],
		['a burst of DELs is as many keys', backspace.repeat(3), [key('delete-left'), key('delete-left'), key('delete-left')]],
		['Enter', '\r', [key('submit')]],
		['a pasted CR LF is one line break', 'a\r\nb', [{kind: 'text', text: 'a'}, key('submit'), {kind: 'text', text: 'b'}]],
		['a pasted LF', 'a\n', [{kind: 'text', text: 'a'}, key('submit')]],
		['a tab alone is the tab key', '\t', [key('tab')]],
		['a tab inside a paste is a space', 'a\tb', [{kind: 'text', text: 'a b'}]],
		['arrows', `${esc.left}${esc.right}${esc.up}${esc.down}`, [key('left'), key('right'), key('up'), key('down')]],
		['arrows in application mode (SS3)', '\u001BOD\u001BOC\u001BOH\u001BOF', [key('left'), key('right'), key('home'), key('end')]],
		[
			'Home and End, in their several forms',
			`${esc.home}${esc.end}\u001B[1~\u001B[4~\u001B[7~\u001B[8~`,
			[key('home'), key('end'), key('home'), key('end'), key('home'), key('end')],
		],
		[
			'ctrl+left and alt+right move by a word',
			'\u001B[1;5D\u001B[1;3C\u001Bb\u001Bf',
			[key('word-left'), key('word-right'), key('word-left'), key('word-right')],
		],
		['alt+Backspace deletes a word', `\u001B${backspace}`, [key('delete-word')]],
		['a lone ESC is escape', '\u001B', [key('escape')]],
		[
			'ctrl+a, e, u, w, k, b, f, d',
			Object.values({a: ctrl.a, e: ctrl.e, u: ctrl.u, w: ctrl.w, k: ctrl.k, b: ctrl.b, f: ctrl.f, d: ctrl.d}).join(''),
			['home', 'end', 'delete-to-start', 'delete-word', 'delete-to-end', 'left', 'right', 'delete-right'].map(kind => key(kind as never)),
		],
	])('%s', (_, raw, keys) => expect(decodeKeys(raw)).toEqual(keys));

	it('never lets a control character or an escape sequence through as text', () => {
		const hostile = 'a\u0000b\u001B[31mc\u0007d\u202Ee\u009Bf\u001B]0;title\u0007g\u001B]52;c;eA==\u001B\\h\u2066i\u200Fj\u0003k\u001B[200~l';
		const text = decodeKeys(hostile)
			.flatMap(key => (key.kind === 'text' ? [key.text] : []))
			.join('');
		expect(text).toBe('abcdefghijkl');
		expect(decodeKeys('\u001B[31m\u001B[2J\u001B[?25l\u0007\u0000')).toEqual([]);
	});

	it('keeps letters beyond ASCII, emoji included', () => {
		expect(decodeKeys('né 日本 🐳')).toEqual([{kind: 'text', text: 'né 日本 🐳'}]);
	});
});

describe('editLine: every key', () => {
	it.each<[string, string, LineKey, string]>([
		['a character inserts at the cursor', 'ab|d', {kind: 'text', text: 'c'}, 'abc|d'],
		['left', 'ab|c', key('left'), 'a|bc'],
		['left at the start stays', '|abc', key('left'), '|abc'],
		['right', 'a|bc', key('right'), 'ab|c'],
		['right at the end stays', 'abc|', key('right'), 'abc|'],
		['home (ctrl+a)', 'abc|', key('home'), '|abc'],
		['end (ctrl+e)', '|abc', key('end'), 'abc|'],
		['Backspace deletes left of the cursor', 'ab|c', key('delete-left'), 'a|c'],
		['Backspace at the start does nothing', '|abc', key('delete-left'), '|abc'],
		['Delete deletes under the cursor', 'a|bc', key('delete-right'), 'a|c'],
		['Delete at the end does nothing', 'abc|', key('delete-right'), 'abc|'],
		['ctrl+u deletes to the start', 'docker pu|sh', key('delete-to-start'), '|sh'],
		['ctrl+k deletes to the end', 'docker pu|sh', key('delete-to-end'), 'docker pu|'],
		['ctrl+w deletes the word before the cursor', 'docker push demo|', key('delete-word'), 'docker push |'],
		['ctrl+w deletes the spaces before it too', 'docker push  |demo', key('delete-word'), 'docker |demo'],
		['ctrl+w at the start does nothing', '|docker', key('delete-word'), '|docker'],
		['word-left', 'docker push de|mo', key('word-left'), 'docker push |demo'],
		['word-right', 'docker| push demo', key('word-right'), 'docker push| demo'],
		['a character beyond the BMP is one character', '🐳|', key('delete-left'), '|'],
		['up, down, escape and tab leave a line as it is', 'ab|c', key('up'), 'ab|c'],
	])('%s', (_, before, pressed, after) => expect(marked(editLine(at(before), pressed))).toBe(after));
});

describe('applyInput: chunks as the terminal sends them', () => {
	it('a paste that ends with Enter submits what came before the line break; the rest is dropped', () => {
		expect(typing(startLine(), 'docker push demo\r')).toEqual({line: 'docker push demo|', submitted: 'docker push demo'});
		expect(typing(startLine(), 'first line\nsecond line\n')).toEqual({line: 'first line|', submitted: 'first line'});
		expect(typing(at('docker |'), 'push\r\n')).toMatchObject({submitted: 'docker push'});
	});

	it('a secret pasted with a trailing newline submits', () => {
		expect(typing(startLine(), 's3cret-token\n').submitted).toBe('s3cret-token');
	});

	it('a paste without a line break only inserts', () => {
		expect(typing(startLine(), 'docker ', 'push')).toEqual({line: 'docker push|'});
	});

	it('held-down Backspace deletes one character per repeat, a burst in one chunk as many', () => {
		expect(typing(at('abcdef|'), backspace, backspace)).toEqual({line: 'abcd|'});
		expect(typing(at('abcdef|'), backspace.repeat(4))).toEqual({line: 'ab|'});
		expect(typing(at('abcdef|'), ctrl.h.repeat(3))).toEqual({line: 'abc|'});
		expect(typing(at('abc|'), backspace.repeat(10))).toEqual({line: '|'});
		expect(typing(startLine(), `abc${backspace}${backspace}d`)).toEqual({line: 'ad|'});
	});

	it('the Delete key deletes forward, Backspace backward', () => {
		expect(typing(at('ab|cd'), esc.del, backspace)).toEqual({line: 'a|d'});
	});

	it('editing keys compose: a line fixed in the middle', () => {
		expect(typing(startLine(), 'tag src demo', ctrl.a, 'docker ', ctrl.e, ctrl.w, 'first-image', esc.left, esc.left, 'X', backspace, '\r')).toEqual({
			line: 'docker tag src first-ima|ge',
			submitted: 'docker tag src first-image',
		});
		expect(typing(startLine(), 'garbage', ctrl.u, 'docker', esc.home, ctrl.k, 'podman\r')).toMatchObject({submitted: 'podman'});
	});

	it('control characters and escape sequences typed or pasted never enter the value', () => {
		expect(typing(startLine(), 'a\u0000b\u0007c', '\u001B[31m', 'd\u009Be\u202Ef', '\u001B]0;x\u0007', '\r').submitted).toBe('abcdef');
	});

	it('the value is bounded', () => {
		const long = 'x'.repeat(maxLineLength + 500);
		expect(typing(startLine(), long, '\r').submitted).toHaveLength(maxLineLength);
		expect(typing(startLine('y'.repeat(maxLineLength), {selected: false}), 'z', '\r').submitted).toBe('y'.repeat(maxLineLength));
		expect(startLine('x'.repeat(maxLineLength * 2)).value).toHaveLength(maxLineLength);
	});
});

describe('a default is a pre-selected value', () => {
	const first = startLine('first-image');

	it('starts selected, with the cursor at its end', () => {
		expect(first).toEqual({value: 'first-image', cursor: 11, selected: true});
		expect(startLine('').selected).toBe(false);
		expect(startLine('first-image', {selected: false}).selected).toBe(false);
	});

	it('Enter takes it', () => {
		expect(typing(first, '\r').submitted).toBe('first-image');
	});

	it('a typed character replaces it, not appends to it', () => {
		expect(typing(first, 'd', 'emo')).toEqual({line: 'demo|'});
		expect(typing(first, 'my-app\r').submitted).toBe('my-app');
	});

	it('Backspace or a move first edits it instead', () => {
		expect(typing(first, backspace, '2')).toEqual({line: 'first-imag2|'});
		expect(typing(first, esc.left, 'X')).toEqual({line: 'first-imagX|e'});
		expect(typing(first, ctrl.a, 'my-')).toEqual({line: 'my-|first-image'});
		expect(typing(first, ctrl.w)).toEqual({line: '|'});
	});

	it('keys a line does not use keep it selected', () => {
		expect(applyInput(first, esc.up).state.selected).toBe(true);
		expect(applyInput(first, '\t').state.selected).toBe(true);
	});

	it('a default with control characters shows only its printable part', () => {
		expect(startLine('demo\u001B]0;x\u0007:1.0').value).toBe('demo]0;x:1.0');
	});
});

describe('shownLine: what fits, and the cursor', () => {
	it('shows the cursor on the character under it, or a space at the end', () => {
		expect(shownLine(at('ab|c'), 20)).toEqual({before: 'ab', at: 'c', after: ''});
		expect(shownLine(at('abc|'), 20)).toEqual({before: 'abc', at: ' ', after: ''});
		expect(shownLine(at('|'), 20)).toEqual({before: '', at: ' ', after: ''});
	});

	it('masks a secret, one * per character, and never shows a character of it', () => {
		const shown = shownLine(at('s3cr|et'), 20, true);
		expect(shown).toEqual({before: '****', at: '*', after: '*'});
		expect(Object.values(shown).join('')).not.toMatch(/[s3cret]/);
	});

	it('scrolls a long line to keep the cursor in view, marking a cut end with …', () => {
		const line = 'docker push registry.example:5000/alice/demo:1.0';
		expect(shownLine(at(`${line}|`), 12)).toEqual({before: '…e/demo:1.0', at: ' ', after: ''});
		expect(shownLine(at(`|${line}`), 12)).toEqual({before: '', at: 'd', after: 'ocker push…'});
		const middle = shownLine(at('docker push regis|try.example:5000/alice/demo:1.0'), 12);
		expect(middle.before.startsWith('…')).toBe(true);
		expect(middle.after.endsWith('…')).toBe(true);
		expect(middle.at).toBe('t');
		expect(`${middle.before}${middle.at}${middle.after}`).toHaveLength(12);
		expect(shownLine(at('do|cker push'), 12)).toEqual({before: 'do', at: 'c', after: 'ker push'});
	});
});

describe('lists: the window, the filter, the highlight', () => {
	it('a short list shows whole', () => {
		expect(listWindow(3, 2, 8)).toEqual({start: 0, end: 3, above: 0, below: 0});
	});

	it('a long list shows a window, saying how many are above and below', () => {
		expect(listWindow(20, 0, 8)).toEqual({start: 0, end: 8, above: 0, below: 12});
		expect(listWindow(20, 19, 8)).toEqual({start: 12, end: 20, above: 12, below: 0});
	});

	it('the window moves only when the highlight would leave it', () => {
		expect(listWindow(20, 5, 8, 0).start).toBe(0);
		expect(listWindow(20, 8, 8, 0).start).toBe(1);
		expect(listWindow(20, 6, 8, 4).start).toBe(4);
		expect(listWindow(20, 3, 8, 4).start).toBe(3);
	});

	it('the filter keeps the rows holding every word typed, ignoring case', () => {
		const options = ['alpine:3.20', 'nginx:latest', 'my-app:1.0', 'my-api:2.0'].map(label => ({label}));
		expect(filterOptions(options, 'MY').map(option => option.label)).toEqual(['my-app:1.0', 'my-api:2.0']);
		expect(filterOptions(options, 'my 2.0').map(option => option.label)).toEqual(['my-api:2.0']);
		expect(filterOptions(options, '  ')).toHaveLength(4);
		expect(filterOptions(options, 'zzz')).toEqual([]);
	});

	it('the highlight stays within the list', () => {
		expect(moveHighlight(5, 4, 1)).toBe(4);
		expect(moveHighlight(5, 0, -1)).toBe(0);
		expect(moveHighlight(5, 1, 8)).toBe(4);
		expect(moveHighlight(0, 0, 1)).toBe(0);
	});
});
