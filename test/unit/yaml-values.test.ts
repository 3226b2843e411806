import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {parseDocument} from 'yaml';
import {describe, expect, it} from 'vitest';
import {builtInLessonsDir} from '../../src/lesson/load.js';
import {parseYaml} from '../../src/lesson/yaml-values.js';
import {notForLessons, refused, same} from '../fixtures/yaml/texts.js';

// The lesson parser reads YAML with yaml's CST layer and makes the values itself (src/lesson/yaml-values.ts);
// the full yaml package, a devDependency, is the reference it must agree with.

const reference = (text: string): unknown => {
	const doc = parseDocument(text);
	if (doc.errors.length > 0) throw new Error(`yaml refuses ${JSON.stringify(text)}: ${doc.errors[0]!.message}`);
	return doc.toJS();
};
const mine = (text: string): unknown => {
	const result = parseYaml(text);
	if (!result.ok) throw new Error(`refused ${JSON.stringify(text)}: ${result.message}`);
	return result.value;
};

describe('the lesson YAML reader', () => {
	it('reads every shipped lesson to the value yaml gives', async () => {
		const dir = builtInLessonsDir();
		const names = (await readdir(dir)).filter(name => /\.ya?ml$/.test(name));
		expect(names.length).toBeGreaterThan(0);
		for (const name of names) {
			const text = await readFile(path.join(dir, name), 'utf8');
			expect(mine(text), name).toEqual(reference(text));
		}
	});

	it.each(same.map(text => [JSON.stringify(text), text]))('reads %s as yaml does', (_, text) => {
		expect(mine(text)).toEqual(reference(text));
	});

	it.each(refused.map(text => [JSON.stringify(text), text]))('refuses %s, as yaml does', (_, text) => {
		expect(parseDocument(text).errors.length).toBeGreaterThan(0);
		expect(parseYaml(text).ok).toBe(false);
	});

	it.each(notForLessons.map(text => [JSON.stringify(text), text]))('refuses %s, which a lesson has no need of', (_, text) => {
		expect(parseDocument(text).errors).toEqual([]);
		expect(parseYaml(text).ok).toBe(false);
	});

	it('says where a problem is and what it is', () => {
		const at = (text: string): string => {
			const result = parseYaml(text);
			if (result.ok) return 'ok';
			const {line, col} = result.places.linePos(result.offset);
			return `${line}:${col} ${result.message}`;
		};
		expect(at('a: 1\nb:\n  c: &x 2\n')).toBe('3:6 anchors (&x) are not supported in a lesson: write the value out');
		expect(at('a: 1\nb: *x\n')).toBe('2:4 aliases (*x) are not supported in a lesson: write the value out');
		expect(at('a: !!str 1\n')).toBe('1:4 tags (!!str) are not supported in a lesson: quote a value to keep it text');
		expect(at('steps:\n  - id: a\n    id: b\n')).toBe("3:5 the key 'id' is written twice in this map");
		expect(at('a: 1\n---\nb: 2\n')).toMatch(/^2:1 a lesson is one YAML document/);
	});

	it('knows where every value and key is, in sequences and flow collections too', () => {
		const result = parseYaml('steps:\n  - id: a\n    args: [push, "{target}"]\n  - {id: b}\n');
		if (!result.ok) throw new Error(result.message);
		const {places} = result;
		const pos = (offset: number | undefined): string => {
			if (offset === undefined) return 'none';
			const {line, col} = places.linePos(offset);
			return `${line}:${col}`;
		};
		expect(pos(places.valueAt(['steps', 0]))).toBe('2:5');
		expect(pos(places.keyAt(['steps', 0, 'args']))).toBe('3:5');
		expect(pos(places.valueAt(['steps', 0, 'args', 1]))).toBe('3:18');
		expect(pos(places.valueAt(['steps', 1, 'id']))).toBe('4:10');
		expect(pos(places.keyAt(['steps', 1, 'id']))).toBe('4:6');
	});

	it('knows where a character of a text is: plain, quoted, and in a literal block', () => {
		const text = [
			'plain: push {target} now',
			'quoted: "the {digest}"',
			'block: |',
			'  first line',
			'',
			'    indented {x}',
			'folded: >',
			'  a {y}',
			'',
		].join('\n');
		const result = parseYaml(text);
		if (!result.ok) throw new Error(result.message);
		const {places} = result;
		const pos = (path: string, placeholder: string): string => {
			const value = (result.value as Record<string, string>)[path]!;
			const {line, col} = places.linePos(places.textAt([path], value.indexOf(placeholder))!);
			return `${line}:${col}`;
		};
		expect(pos('plain', '{target}')).toBe('1:13');
		expect(pos('quoted', '{digest}')).toBe('2:14');
		expect(pos('block', '{x}')).toBe('6:14');
		// A folded block is joined: where it starts.
		expect(pos('folded', '{y}')).toBe('7:9');
	});
});
