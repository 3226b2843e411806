import {CST, LineCounter, Parser} from 'yaml';

// A lesson's YAML, read with yaml's CST layer alone (its Lexer and Parser, which keep every token's offset) and
// turned into plain values here: the rest of the yaml package (documents, schemas, stringifying) stays out of the
// bundle (scripts/build.mjs aliases 'yaml' to those few files). What a lesson needs is supported as yaml's
// parseDocument(...).toJS() reads it (test/unit/yaml-values.test.ts compares the two): block and flow maps and
// sequences, plain, quoted and block scalars, comments, one document. Plain scalars resolve as YAML 1.2's core
// schema does. What a lesson does not need (anchors, aliases, tags, several documents) is refused with its place,
// and so is a key written twice.

export type YamlPath = readonly (string | number)[];

/** Where each value of the document starts (and each key, for a map's entries), by its path. */
export type YamlPlaces = {
	/** The offset of the value at a path (of `-` for a sequence item with no value, of `:` for a key with none). */
	readonly valueAt: (path: YamlPath) => number | undefined;
	/** The offset of the key of the map entry at a path. */
	readonly keyAt: (path: YamlPath) => number | undefined;
	/**
	 * The offset of a character of the text at a path (a {placeholder} in a body): exact for a plain or quoted
	 * scalar written as it reads, and for a literal block (|); else where the text starts.
	 */
	readonly textAt: (path: YamlPath, index: number) => number | undefined;
	/** 1-based line and column of an offset. */
	readonly linePos: (offset: number) => {readonly line: number; readonly col: number};
};

export type YamlResult =
	| {readonly ok: true; readonly value: unknown; readonly places: YamlPlaces}
	| {readonly ok: false; readonly offset: number; readonly message: string; readonly places: YamlPlaces};

type SourceToken = CST.SourceToken;
type Token = CST.Token;

class YamlProblem extends Error {
	constructor(
		readonly offset: number,
		message: string,
	) {
		super(message);
	}
}

const keyOf = (path: YamlPath): string => JSON.stringify(path);

/** Plain scalars as YAML 1.2's core schema resolves them (null, booleans, integers, floats); anything else is a string. */
export function coreScalar(source: string): string | number | boolean | null {
	if (/^(?:~|[Nn]ull|NULL)?$/.test(source)) return null;
	if (/^(?:[Tt]rue|TRUE)$/.test(source)) return true;
	if (/^(?:[Ff]alse|FALSE)$/.test(source)) return false;
	if (/^0o[0-7]+$/.test(source)) return parseInt(source.slice(2), 8);
	if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
	if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.slice(2), 16);
	if (/^[-+]?\.(?:inf|Inf|INF)$/.test(source)) return source.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
	if (/^\.(?:nan|NaN|NAN)$/.test(source)) return Number.NaN;
	if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(source)) return parseFloat(source);
	return source;
}

const scalarTypes = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar', 'block-scalar']);

/** Parse one YAML document into plain values, with the place of every value and key. */
export function parseYaml(text: string): YamlResult {
	const lineCounter = new LineCounter();
	const values = new Map<string, number>();
	const keys = new Map<string, number>();
	const texts = new Map<string, {token: CST.FlowScalar | CST.BlockScalar; value: string}>();
	const places: YamlPlaces = {
		valueAt: path => values.get(keyOf(path)),
		keyAt: path => keys.get(keyOf(path)),
		textAt: (path, index) => {
			const text = texts.get(keyOf(path));
			return text ? textOffset(text.token, text.value, index) : values.get(keyOf(path));
		},
		linePos: offset => lineCounter.linePos(offset),
	};
	const column = (offset: number): number => lineCounter.linePos(offset).col;

	/** Spaces, comments and the indicators a list of tokens may hold; anything else is refused where it is. */
	const tokens = (list: readonly SourceToken[] | undefined, allowed: readonly string[] = []): void => {
		let atNewline = false;
		let tab: SourceToken | undefined;
		for (const token of list ?? []) {
			const type = token.type as string;
			if (type === 'error') throw new YamlProblem(token.offset, (token as unknown as CST.ErrorToken).message);
			if (type === 'anchor') throw new YamlProblem(token.offset, `anchors (${token.source}) are not supported in a lesson: write the value out`);
			if (type === 'tag') throw new YamlProblem(token.offset, `tags (${token.source}) are not supported in a lesson: quote a value to keep it text`);
			if (type === 'explicit-key-ind') throw new YamlProblem(token.offset, "explicit keys ('? key') are not supported in a lesson: write 'key: value'");
			if (type === 'flow-error-end') throw new YamlProblem(token.offset, 'a [ or { is not closed');
			if (type === 'newline') {
				atNewline = true;
				tab = undefined;
				continue;
			}
			if (type === 'space') {
				if (atNewline && token.source.includes('\t')) tab = token;
				continue;
			}
			if (type === 'comment') continue;
			if (tab) throw new YamlProblem(tab.offset, 'tabs are not allowed as indentation: indent with spaces');
			atNewline = false;
			if (type === 'byte-order-mark' || allowed.includes(type)) continue;
			throw new YamlProblem(token.offset, `unexpected ${token.source ? `'${token.source}'` : type}`);
		}
		// What follows the list is content: indented by a tab.
		if (tab) throw new YamlProblem(tab.offset, 'tabs are not allowed as indentation: indent with spaces');
	};
	const hasNewline = (list: readonly SourceToken[] | undefined): boolean => (list ?? []).some(token => token.type === 'newline');

	/** A map key: a flow scalar on one line. */
	const key = (token: Token | null | undefined, at: number): string => {
		if (!token) throw new YamlProblem(at, "a value without a key: write 'key: value'");
		if (token.type === 'alias') throw new YamlProblem(token.offset, `aliases (${token.source}) are not supported in a lesson: write the value out`);
		if (token.type !== 'scalar' && token.type !== 'single-quoted-scalar' && token.type !== 'double-quoted-scalar') {
			throw new YamlProblem(token.offset, 'a key must be a plain or quoted word, not a list, a map or a block of text');
		}
		tokens(token.end);
		const resolved = CST.resolveAsScalar(token, true, (offset, _code, message) => {
			throw new YamlProblem(offset, message);
		});
		if (/[\n\r]/.test(token.source)) throw new YamlProblem(token.offset, 'a key must be on one line (is a ":" missing on the line before?)');
		const value = token.type === 'scalar' ? coreScalar(resolved.value) : resolved.value;
		return value === null ? '' : String(value);
	};

	const node = (token: Token | undefined, path: YamlPath, missingAt: number): unknown => {
		if (!token) {
			values.set(keyOf(path), missingAt);
			return null;
		}
		values.set(keyOf(path), token.offset);
		switch (token.type) {
			case 'alias':
				throw new YamlProblem(token.offset, `aliases (${token.source}) are not supported in a lesson: write the value out`);
			case 'scalar':
			case 'single-quoted-scalar':
			case 'double-quoted-scalar':
			case 'block-scalar': {
				if (token.type === 'block-scalar') tokens(token.props as SourceToken[], ['block-scalar-header']);
				else tokens(token.end);
				const resolved = CST.resolveAsScalar(token, true, (offset, _code, message) => {
					throw new YamlProblem(offset, message);
				});
				const value = token.type === 'scalar' ? coreScalar(resolved.value) : resolved.value;
				if (typeof value === 'string') texts.set(keyOf(path), {token, value});
				return value;
			}
			case 'block-map': {
				const map: Record<string, unknown> = {};
				let keyColumn: number | undefined;
				for (const item of token.items) {
					tokens(item.start);
					if (item.explicitKey) throw new YamlProblem(token.offset, "explicit keys ('? key') are not supported in a lesson: write 'key: value'");
					const at = item.key?.offset ?? item.sep?.[0]?.offset ?? item.start.at(-1)?.offset ?? token.offset;
					const indicator = item.sep?.find(part => part.type === 'map-value-ind');
					if (!indicator) {
						throw new YamlProblem(
							at,
							item.key && scalarTypes.has(item.key.type) ? "a key needs a ':' after it" : 'this line is not indented like the lines around it',
						);
					}
					const name = key(item.key, indicator.offset);
					const col = column(item.key?.offset ?? indicator.offset);
					keyColumn ??= col;
					if (col !== keyColumn) throw new YamlProblem(at, 'the keys of one map must start at the same column');
					tokens(item.sep, ['map-value-ind']);
					if (Object.hasOwn(map, name)) throw new YamlProblem(at, `the key '${name}' is written twice in this map`);
					if (item.value?.type === 'block-map' && !hasNewline(item.sep)) {
						throw new YamlProblem(item.value.offset, "a map cannot start on its key's line: put it on the next line, indented");
					}
					if (item.value?.type === 'block-seq' && !hasNewline(item.sep)) {
						throw new YamlProblem(item.value.offset, "a list cannot start on its key's line: put it on the next line");
					}
					keys.set(keyOf([...path, name]), at);
					set(map, name, node(item.value, [...path, name], indicator.offset));
				}
				return map;
			}
			case 'block-seq': {
				const list: unknown[] = [];
				let itemColumn: number | undefined;
				for (const item of token.items) {
					tokens(item.start, ['seq-item-ind']);
					const indicator = item.start.find(part => part.type === 'seq-item-ind');
					if (!indicator) throw new YamlProblem(item.value?.offset ?? token.offset, "a list item needs a '-' before it");
					itemColumn ??= column(indicator.offset);
					if (column(indicator.offset) !== itemColumn) throw new YamlProblem(indicator.offset, 'the items of one list must start at the same column');
					list.push(node(item.value, [...path, list.length], indicator.offset));
				}
				return list;
			}
			case 'flow-collection': {
				const isMap = token.start.type === 'flow-map-start';
				const closing = isMap ? 'flow-map-end' : 'flow-seq-end';
				const [first, ...rest] = token.end;
				if (first?.type !== closing)
					throw new YamlProblem(first?.offset ?? token.offset, `this ${isMap ? '{' : '['} is not closed with ${isMap ? '}' : ']'}`);
				tokens(rest);
				const map: Record<string, unknown> = {};
				const list: unknown[] = [];
				for (const [index, item] of token.items.entries()) {
					const commas = item.start.filter(part => part.type === 'comma').length;
					tokens(item.start, ['comma']);
					const at = item.key?.offset ?? item.value?.offset ?? item.start.at(-1)?.offset ?? token.offset;
					const empty = item.key === undefined && item.value === undefined && item.sep === undefined;
					// [a, b,] and {a: 1,}: a comma after the last item is allowed.
					if (empty && commas === 1 && index > 0 && index === token.items.length - 1) continue;
					if (empty || commas > 1 || (index === 0 && commas > 0)) throw new YamlProblem(at, `an empty item in ${isMap ? '{ }' : '[ ]'}`);
					if (index > 0 && commas === 0) throw new YamlProblem(at, `a ',' is missing between the items of ${isMap ? '{ }' : '[ ]'}`);
					const indicator = item.sep?.find(part => part.type === 'map-value-ind');
					tokens(item.sep, ['map-value-ind']);
					if (!isMap) {
						if (item.sep !== undefined || item.key !== undefined) throw new YamlProblem(at, "a 'key: value' pair inside [ ]: write it inside { }");
						list.push(node(item.value, [...path, list.length], at));
						continue;
					}
					const keyToken = item.key !== undefined ? item.key : item.value;
					const name = key(keyToken, at);
					if (Object.hasOwn(map, name)) throw new YamlProblem(at, `the key '${name}' is written twice in this map`);
					keys.set(keyOf([...path, name]), at);
					set(map, name, indicator ? node(item.value, [...path, name], indicator.offset) : node(undefined, [...path, name], at));
				}
				return isMap ? map : list;
			}
			default:
				throw new YamlProblem(token.offset, `unexpected ${'source' in token && token.source ? `'${token.source}'` : token.type}`);
		}
	};

	try {
		let documents = 0;
		let value: unknown = null;
		for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
			switch (token.type) {
				case 'document':
					documents++;
					if (documents > 1)
						throw new YamlProblem(
							token.offset,
							'a lesson is one YAML document: remove this --- and what follows, or make it a lesson file of its own',
						);
					tokens(token.start, ['doc-start']);
					values.set(keyOf([]), token.value?.offset ?? token.offset);
					value = token.value ? node(token.value, [], token.offset) : null;
					tokens(token.end);
					break;
				case 'doc-end':
					tokens(token.end);
					break;
				case 'directive':
					throw new YamlProblem(token.offset, `directives (${token.source}) are not supported in a lesson`);
				case 'error':
					throw new YamlProblem(token.offset, token.message);
				case 'comment':
				case 'newline':
				case 'space':
				case 'byte-order-mark':
					break;
				default:
					throw new YamlProblem(token.offset, `unexpected ${'source' in token && token.source ? `'${token.source}'` : token.type}`);
			}
		}
		return {ok: true, value, places};
	} catch (error) {
		if (error instanceof YamlProblem) return {ok: false, offset: error.offset, message: error.message, places};
		throw error;
	}
}

/** Where the character at `index` of a scalar's value is in the file, when the value maps onto its source line for line. */
function textOffset(token: CST.FlowScalar | CST.BlockScalar, value: string, index: number): number {
	if (token.type === 'scalar' && token.source === value) return token.offset + index;
	if ((token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar') && token.source.slice(1, -1) === value)
		return token.offset + 1 + index;
	if (token.type !== 'block-scalar') return token.offset;
	const header = token.props.find(prop => prop.type === 'block-scalar-header') as CST.SourceToken | undefined;
	const last = token.props.at(-1) as CST.SourceToken | undefined;
	if (!header?.source.startsWith('|') || last?.type !== 'newline') return token.offset;
	const start = last.offset + last.source.length;
	const sourceLines = token.source.split('\n');
	const indent = /^ */.exec(sourceLines.find(line => line.trim() !== '') ?? '')?.[0].length ?? 0;
	const before = value.slice(0, index);
	const lineNumber = before.split('\n').length - 1;
	const column = index - (before.lastIndexOf('\n') + 1);
	const line = sourceLines[lineNumber];
	if (line === undefined || line.slice(indent) !== value.split('\n')[lineNumber]) return token.offset;
	return start + sourceLines.slice(0, lineNumber).reduce((sum, previous) => sum + previous.length + 1, 0) + indent + column;
}

/** Set a key as yaml's toJS does, __proto__ included (as a key of its own, never the object's prototype). */
function set(map: Record<string, unknown>, name: string, value: unknown): void {
	if (name === '__proto__') Object.defineProperty(map, name, {value, writable: true, enumerable: true, configurable: true});
	else map[name] = value;
}
